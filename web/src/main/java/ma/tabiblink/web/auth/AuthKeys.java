package ma.tabiblink.web.auth;

/** Every Redis key the sign-in feature uses. */
final class AuthKeys {

    private AuthKeys() {
    }

    /** Refresh token, by the SHA-256 of its value (the value itself is never stored). */
    static String refresh(String tokenHash) {
        return "tl:acct:refresh:" + tokenHash;
    }

    static String failedLoginsByUser(String username) {
        return "tl:acct:login-fail:user:" + username;
    }

    static String failedLoginsByAddress(String address) {
        return "tl:acct:login-fail:addr:" + address;
    }
}
