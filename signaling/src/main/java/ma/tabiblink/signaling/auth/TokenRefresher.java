package ma.tabiblink.signaling.auth;

import java.util.Optional;

/**
 * Issues a new access token for a user who is still connected, so that long calls never leave the client holding an
 * expired token. The web application implements it from the user's sign-in session: no token outlives that session.
 */
@FunctionalInterface
public interface TokenRefresher {

    /**
     * @return the new token, or empty when this identity cannot be refreshed (it belongs to no sign-in session): the
     * connection then ends when its token expires
     * @throws SessionEndedException when the sign-in session is over (signed out, revoked, idle or too old), or the
     *                               account was disabled or changed: the connection ends at once
     */
    Optional<RefreshedToken> refresh(Identity who) throws SessionEndedException;
}
