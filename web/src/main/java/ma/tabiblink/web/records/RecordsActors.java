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
        return new Actor(user.id(), Role.valueOf(user.role().name()), user.dispensaryId(), user.specialties(),
                request.getRemoteAddr());
    }
}
