package ma.tabiblink.signaling.auth;

/**
 * Turns what a client presented on connect into an {@link Identity}. The web application implements it with its
 * access-token verifier and its tickets. Called once per connection, off the network threads, so it may take a few
 * milliseconds (and a Redis round trip).
 */
@FunctionalInterface
public interface Authenticator {

    Identity authenticate(Credentials credentials) throws AuthenticationException;
}
