package ma.tabiblink.web.scheduling;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.MeterRegistry;
import ma.tabiblink.scheduler.booking.BookingService;

/**
 * Booking activity by event ({@code tabib_bookings_total{event=BOOKED|CANCELLED|...}}). Refused bookings, double
 * booking attempts included, are counted by their error code in {@code tabib_errors_total} (e.g. {@code SLOT_TAKEN}).
 */
@Component
class SchedulingMetrics {

    SchedulingMetrics(BookingService bookings, MeterRegistry meters) {
        bookings.addListener(event -> meters.counter("tabib.bookings", "event", event.type().name()).increment());
    }
}
