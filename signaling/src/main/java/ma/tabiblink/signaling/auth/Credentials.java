package ma.tabiblink.signaling.auth;

import java.util.Objects;

/**
 * What a client presented to open a connection. Browsers cannot set headers on a WebSocket, so they present a
 * single-use {@link Ticket} obtained over REST just before; other clients send their access token as an
 * {@code Authorization: Bearer} header. Access tokens are never taken from the URL, where proxies would log them.
 */
public sealed interface Credentials {

    /** Nothing usable was presented. */
    Credentials NONE = new None();

    /** A short-lived, single-use ticket from the {@code ticket} query parameter. */
    record Ticket(String value) implements Credentials {
        public Ticket {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return "Ticket[…]";
        }
    }

    /** An access token from the {@code Authorization: Bearer} header. */
    record Bearer(String token) implements Credentials {
        public Bearer {
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String toString() {
            return "Bearer[…]";
        }
    }

    /** No ticket and no bearer header. */
    record None() implements Credentials {
    }
}
