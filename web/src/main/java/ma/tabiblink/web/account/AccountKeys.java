package ma.tabiblink.web.account;

/** Every Redis key the accounts feature uses, built in one place. */
final class AccountKeys {

    static final String USERS = "tl:acct:users";
    static final String DISPENSARIES = "tl:acct:dispensaries";
    static final String SPECIALTIES = "tl:acct:specialties";

    private AccountKeys() {
    }

    static String user(String id) {
        return "tl:acct:user:" + id;
    }

    static String dispensary(String id) {
        return "tl:acct:dispensary:" + id;
    }
}
