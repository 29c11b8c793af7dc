package ma.tabiblink.signaling.auth;

/**
 * Turns the bearer token presented on connect into an {@link Identity}. The web application implements it with its
 * access-token verifier. Called once per connection, off the network threads, so it may take a few milliseconds.
 */
@FunctionalInterface
public interface Authenticator {

    /**
     * @param bearerToken the token from the {@code token} query parameter or the {@code Authorization: Bearer} header,
     *                    {@code null} when the client sent none
     */
    Identity authenticate(String bearerToken) throws AuthenticationException;
}
