package ma.tabiblink.web.scheduling;

import org.springframework.stereotype.Component;

import ma.tabiblink.scheduler.booking.BookingService;
import ma.tabiblink.web.board.LiveBoard;

/** Every booking event (booked, cancelled, checked in, no-show, ...) refreshes the coordinators' live board. */
@Component
class BookingEventsToBoard {

    BookingEventsToBoard(BookingService bookings, LiveBoard board) {
        bookings.addListener(event -> board.changed());
    }
}
