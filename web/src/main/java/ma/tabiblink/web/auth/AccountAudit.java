package ma.tabiblink.web.auth;

import java.util.Set;
import java.util.TreeSet;

import org.springframework.stereotype.Component;

import ma.tabiblink.records.Actor;
import ma.tabiblink.records.Records;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditLog;
import ma.tabiblink.records.audit.AuditOutcome;
import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.UserAccount;
import ma.tabiblink.web.records.RecordsActors;

/**
 * Sign-ins, sign-outs and account changes in the records module's tamper-evident audit log, beside every access to
 * patient data. Like any audit write, a failure fails the operation: nothing happens without a trace.
 */
@Component
public class AccountAudit {

    private static final String ACCOUNT = "Account";

    private final Records records;

    AccountAudit(Records records) {
        this.records = records;
    }

    void signedIn(UserAccount user, String address) {
        record(actor(user, address), AuditAction.SIGN_IN, AuditOutcome.SUCCESS, user.id(), null);
    }

    /** A refused sign-in; {@code account} is null when no account has that name. */
    void signInRefused(String attemptedId, UserAccount account, String why, String address) {
        Actor actor = account != null ? actor(account, address)
                : new Actor("unknown", ma.tabiblink.records.Role.SYSTEM, null, Set.of(), address);
        record(actor, AuditAction.SIGN_IN, AuditOutcome.DENIED, attemptedId, why);
    }

    void signedOut(UserAccount user, String address) {
        record(actor(user, address), AuditAction.SIGN_OUT, AuditOutcome.SUCCESS, user.id(), null);
    }

    void sessionRevoked(UserAccount user, String address, String why) {
        record(actor(user, address), AuditAction.SESSION_REVOKE, AuditOutcome.SUCCESS, user.id(), why);
    }

    public void accountCreated(CurrentUser admin, UserAccount created, String address) {
        record(actor(admin, address), AuditAction.ACCOUNT_CREATE, AuditOutcome.SUCCESS, created.id(),
                "role " + created.role());
    }

    public void enabledChanged(CurrentUser admin, UserAccount changed, String address) {
        record(actor(admin, address), changed.enabled() ? AuditAction.ACCOUNT_ENABLE : AuditAction.ACCOUNT_DISABLE,
                AuditOutcome.SUCCESS, changed.id(), null);
    }

    public void roleChanged(CurrentUser admin, UserAccount before, UserAccount after, String address) {
        record(actor(admin, address), AuditAction.ACCOUNT_ROLE_CHANGE, AuditOutcome.SUCCESS, after.id(),
                describe(before) + " -> " + describe(after));
    }

    private static String describe(UserAccount a) {
        return a.role() + (a.dispensaryId().isEmpty() ? "" : " " + a.dispensaryId())
                + (a.specialties().isEmpty() ? "" : " " + new TreeSet<>(a.specialties()));
    }

    private void record(Actor actor, AuditAction action, AuditOutcome outcome, String accountId, String detail) {
        records.audit().record(actor, new AuditLog.Event(action, outcome, ACCOUNT, accountId, null, detail));
    }

    private static Actor actor(UserAccount user, String address) {
        return new Actor(user.id(), RecordsActors.role(user.role()),
                user.dispensaryId().isEmpty() ? null : user.dispensaryId(), user.specialties(), address);
    }

    private static Actor actor(CurrentUser user, String address) {
        return new Actor(user.id(), RecordsActors.role(user.role()),
                user.dispensaryId().isEmpty() ? null : user.dispensaryId(), user.specialties(), address);
    }
}
