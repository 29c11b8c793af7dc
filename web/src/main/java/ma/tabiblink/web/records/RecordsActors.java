package ma.tabiblink.web.records;

import jakarta.servlet.http.HttpServletRequest;
import ma.tabiblink.records.Actor;
import ma.tabiblink.records.Role;
import ma.tabiblink.web.account.CurrentUser;

/** The records module's view of the signed-in user: id, role, dispensary, specialties and where the request came from. */
public final class RecordsActors {

    private RecordsActors() {
    }

    public static Actor of(CurrentUser user, HttpServletRequest request) {
        return new Actor(user.id(), role(user.role()), user.dispensaryId(), user.specialties(),
                request.getRemoteAddr());
    }

    /** The records module's role for an account's role. */
    public static Role role(ma.tabiblink.web.account.Role role) {
        return switch (role) {
            case NURSE -> Role.NURSE;
            case SPECIALIST -> Role.SPECIALIST;
            case COORDINATOR -> Role.COORDINATOR;
            case ADMIN -> Role.ADMIN;
        };
    }

    /** The records module's role for the role of a user connected to the signalling server. */
    static Role role(ma.tabiblink.signaling.auth.Role role) {
        return switch (role) {
            case NURSE -> Role.NURSE;
            case SPECIALIST -> Role.SPECIALIST;
            case COORDINATOR -> Role.COORDINATOR;
            case ADMIN -> Role.ADMIN;
        };
    }
}
