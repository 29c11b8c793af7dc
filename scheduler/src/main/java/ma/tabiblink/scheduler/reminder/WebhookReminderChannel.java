package ma.tabiblink.scheduler.reminder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs each reminder as JSON to a URL (an SMS gateway adapter, a messaging service), signed so the receiver can
 * check it came from us: header {@value #SIGNATURE_HEADER} is {@code v1=} + hex HMAC-SHA256 over
 * {@code <timestamp>.<body>} with the shared secret, the timestamp being header {@value #TIMESTAMP_HEADER} (epoch
 * seconds). {@value #DELIVERY_HEADER} carries the reminder id for de-duplication. Network errors, 429 and 5xx are
 * retried with exponential backoff; other answers are final. {@link #post} sends other events the same way (the web
 * application's tele-expertise case updates).
 */
public final class WebhookReminderChannel implements ReminderChannel {

    public static final String SIGNATURE_HEADER = "X-Tabib-Signature";
    public static final String TIMESTAMP_HEADER = "X-Tabib-Timestamp";
    public static final String DELIVERY_HEADER = "X-Tabib-Delivery";
    public static final String EVENT_HEADER = "X-Tabib-Event";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI url;
    private final byte[] secret;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration timeout;
    private final Clock clock;
    private final HttpClient http;

    public WebhookReminderChannel(URI url, byte[] secret, int maxAttempts, Duration initialBackoff, Duration timeout,
                                  Clock clock) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("the webhook secret must be at least 16 bytes");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        this.url = url;
        this.secret = secret.clone();
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.timeout = timeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public void deliver(Reminder reminder) {
        post("appointment.reminder", reminder.id(), body(reminder));
    }

    /**
     * POSTs one event of any kind ({@value #EVENT_HEADER}), signed and retried like a reminder;
     * {@code deliveryId} is what receivers de-duplicate on.
     *
     * @throws ReminderDeliveryException when every attempt failed or the receiver refused it
     */
    public void post(String event, String deliveryId, String body) {
        Duration backoff = initialBackoff;
        Exception last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            String timestamp = Long.toString(clock.instant().getEpochSecond());
            HttpRequest request = HttpRequest.newBuilder(url)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header(EVENT_HEADER, event)
                    .header(DELIVERY_HEADER, deliveryId)
                    .header(TIMESTAMP_HEADER, timestamp)
                    .header(SIGNATURE_HEADER, "v1=" + sign(secret, timestamp + "." + body))
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .build();
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status >= 200 && status < 300) {
                    return;
                }
                last = new IOException("webhook answered " + status);
                if (status != 429 && status < 500) {
                    break;
                }
            } catch (IOException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ReminderDeliveryException("interrupted while delivering " + deliveryId, e);
            }
            if (attempt < maxAttempts) {
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ReminderDeliveryException("interrupted while delivering " + deliveryId, e);
                }
                backoff = backoff.multipliedBy(2);
            }
        }
        throw new ReminderDeliveryException("webhook delivery of " + deliveryId + " failed", last);
    }

    /** Hex HMAC-SHA256 of {@code payload}; receivers compute the same to verify a delivery. */
    public static String sign(byte[] secret, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static String body(Reminder r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("reminderId", r.id());
        json.put("appointmentId", r.appointmentId());
        json.put("specialistId", r.specialistId());
        json.put("specialty", r.specialty());
        json.put("dispensaryId", r.dispensaryId());
        json.put("patientRef", r.patientRef());
        json.put("start", r.appointmentStart().toString());
        json.put("end", r.appointmentEnd().toString());
        json.put("zone", r.zone().getId());
        json.put("localStart", r.localStart().toOffsetDateTime().toString());
        json.put("offsetMinutes", r.offset().toMinutes());
        json.put("dueAt", r.dueAt().toString());
        json.put("late", r.late());
        json.put("lateBySeconds", r.lateBy().toSeconds());
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
