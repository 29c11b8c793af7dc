package ma.tabiblink.web.auth;

/**
 * Every Redis key and channel the sign-in feature uses, under {@code tl:acct:}. The Lua scripts beside these classes
 * get the names they need as keys, or build them from {@link #PREFIX}.
 *
 * <table>
 *   <tr><th>key</th><th>type</th><th>content</th><th>lifetime</th></tr>
 *   <tr><td>{@code session:{sid}}</td><td>hash</td><td>a sign-in session: {@code user}, {@code started},
 *       {@code ends} (absolute limit, epoch ms), {@code refresh} (SHA-256 of its current refresh token)</td>
 *       <td>the idle timeout, renewed by each refresh, never past {@code ends}</td></tr>
 *   <tr><td>{@code signins:{user}}</td><td>set</td><td>the user's sign-in session ids</td><td>the longest session;
 *       pruned at sign-in</td></tr>
 *   <tr><td>{@code refresh:{sha256}}</td><td>string</td><td>{@code <sid>} for the current refresh token of a session,
 *       {@code used:<sid>} once exchanged (a replay revokes the session)</td><td>until the session's absolute end</td></tr>
 *   <tr><td>{@code ticket:{sha256}}</td><td>string</td><td>a socket ticket: JSON of the token claims it stands for
 *       (no token)</td><td>30 s, deleted when used</td></tr>
 *   <tr><td>{@code login:pair:{user}:{address}}, {@code login:user:{user}}, {@code login:addr:{address}}</td>
 *       <td>hash</td><td>sign-in attempts: {@code n} failures counted, {@code next} earliest next attempt (ms)</td>
 *       <td>the login delay window</td></tr>
 *   <tr><td>{@code revocations}</td><td>pub/sub channel</td><td>{@code <user> <sid or -> <reason>} when sign-in sessions
 *       end early; every node closes the matching sockets</td><td>—</td></tr>
 * </table>
 */
final class AuthKeys {

    static final String PREFIX = "tl:acct:";
    static final String REVOCATIONS = PREFIX + "revocations";

    private AuthKeys() {
    }

    static String session(String sessionId) {
        return PREFIX + "session:" + sessionId;
    }

    static String signIns(String userId) {
        return PREFIX + "signins:" + userId;
    }

    /** Refresh token, by the SHA-256 of its value (the value itself is never stored). */
    static String refresh(String tokenHash) {
        return PREFIX + "refresh:" + tokenHash;
    }

    static String ticket(String ticketHash) {
        return PREFIX + "ticket:" + ticketHash;
    }

    static String loginAttemptsOfPair(String username, String address) {
        return PREFIX + "login:pair:" + username + ":" + address;
    }

    static String loginAttemptsOfUser(String username) {
        return PREFIX + "login:user:" + username;
    }

    static String loginAttemptsOfAddress(String address) {
        return PREFIX + "login:addr:" + address;
    }
}
