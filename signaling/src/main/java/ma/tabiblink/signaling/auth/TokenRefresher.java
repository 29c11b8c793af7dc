package ma.tabiblink.signaling.auth;

/**
 * Issues a new access token for a user who is still connected, so that long calls never leave the client holding
 * an expired token. The web application implements it with its token issuer.
 */
@FunctionalInterface
public interface TokenRefresher {

    RefreshedToken refresh(Identity who);
}
