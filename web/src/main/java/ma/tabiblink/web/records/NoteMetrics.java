package ma.tabiblink.web.records;

import java.util.function.Supplier;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Note operations by kind and outcome ({@code tabib_notes_seconds{operation,outcome}}): count and duration. */
@Component
class NoteMetrics {

    private final MeterRegistry meters;

    NoteMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    <T> T timed(String operation, Supplier<T> work) {
        Timer.Sample sample = Timer.start(meters);
        String outcome = "error";
        try {
            T result = work.get();
            outcome = "ok";
            return result;
        } finally {
            sample.stop(Timer.builder("tabib.notes").description("Consultation note operations")
                    .tag("operation", operation).tag("outcome", outcome).register(meters));
        }
    }
}
