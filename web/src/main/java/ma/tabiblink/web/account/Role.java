package ma.tabiblink.web.account;

public enum Role {
    NURSE, SPECIALIST, COORDINATOR, ADMIN
}
