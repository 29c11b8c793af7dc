package ma.tabiblink.web.signaling;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import ma.tabiblink.signaling.SignalingView;
import ma.tabiblink.signaling.event.CallEventListener;
import ma.tabiblink.signaling.event.SignalingEvent;

/**
 * Calls as the operator watches them: connections, calls in progress, specialists by status, queue length and
 * longest wait per specialty (gauges read from the cluster view), and, from the call events, calls by outcome, the
 * nurse's wait in the queue and the time from ringing to answer.
 */
@Component
class SignalingMetrics implements MeterBinder, CallEventListener {

    private static final Duration FORGET_RINGING_AFTER = Duration.ofMinutes(10);

    private final EmbeddedSignaling signaling;
    private final Map<String, Instant> ringingSince = new ConcurrentHashMap<>();
    private final Map<String, Boolean> registeredQueues = new ConcurrentHashMap<>();
    private MeterRegistry meters;

    SignalingMetrics(EmbeddedSignaling signaling) {
        this.signaling = signaling;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.meters = registry;
        Gauge.builder("tabib.signaling.connections", signaling, s -> s.view().localConnections())
                .description("WebSocket connections open on this node").register(registry);
        Gauge.builder("tabib.calls.in.progress", signaling, s -> s.view().callsInProgress())
                .description("Established calls in the cluster").register(registry);
        for (String status : new String[] {"available", "away", "busy"}) {
            Gauge.builder("tabib.specialists.online", signaling,
                            s -> s.view().specialists().stream().filter(p -> status.equals(p.status())).count())
                    .tag("status", status).description("Specialists connected, by status").register(registry);
        }
        signaling.view().queues().forEach(q -> registerQueue(q.specialty()));
    }

    @Override
    public void onEvent(SignalingEvent event) {
        if (meters == null) {
            return;
        }
        if (event instanceof SignalingEvent.CallRequested r) {
            registerQueue(r.specialty());
            meters.counter("tabib.calls", "outcome", "requested").increment();
        } else if (event instanceof SignalingEvent.CallRinging r) {
            ringingSince.putIfAbsent(r.callId(), r.at());
        } else if (event instanceof SignalingEvent.CallAccepted a) {
            meters.counter("tabib.calls", "outcome", "accepted").increment();
            Timer.builder("tabib.calls.queue.wait").description("From request to accepted").publishPercentileHistogram()
                    .register(meters).record(a.waited());
            Instant rang = ringingSince.remove(a.callId());
            if (rang != null) {
                Timer.builder("tabib.calls.ring.to.answer").description("From the first ring to accept")
                        .publishPercentileHistogram().register(meters).record(Duration.between(rang, a.at()));
            }
        } else if (event instanceof SignalingEvent.CallDeclined) {
            meters.counter("tabib.calls", "outcome", "declined").increment();
        } else if (event instanceof SignalingEvent.RingTimedOut) {
            meters.counter("tabib.calls", "outcome", "ring-timeout").increment();
        } else if (event instanceof SignalingEvent.CallEnded e) {
            ringingSince.remove(e.callId());
            meters.counter("tabib.calls.ended", "reason", e.reason()).increment();
        }
        Instant cutoff = event.at().minus(FORGET_RINGING_AFTER);
        ringingSince.values().removeIf(since -> since.isBefore(cutoff));
    }

    private void registerQueue(String specialty) {
        if (meters == null || registeredQueues.putIfAbsent(specialty, Boolean.TRUE) != null) {
            return;
        }
        Gauge.builder("tabib.queue.length", signaling, s -> queue(s, specialty).length())
                .tag("specialty", specialty).description("Urgent calls waiting").register(meters);
        Gauge.builder("tabib.queue.longest.wait.seconds", signaling, s -> queue(s, specialty).longestWait().toSeconds())
                .tag("specialty", specialty).description("Longest wait of a queued urgent call").register(meters);
    }

    private static SignalingView.QueueStatus queue(EmbeddedSignaling s, String specialty) {
        return s.view().queues().stream().filter(q -> q.specialty().equals(specialty)).findFirst()
                .orElse(new SignalingView.QueueStatus(specialty, 0, Duration.ZERO));
    }
}
