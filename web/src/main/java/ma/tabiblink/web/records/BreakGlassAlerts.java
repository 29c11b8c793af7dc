package ma.tabiblink.web.records;

import java.util.Map;

import org.springframework.stereotype.Component;

import ma.tabiblink.records.Records;
import ma.tabiblink.records.breakglass.BreakGlassRegister;
import ma.tabiblink.web.board.BoardContributor;

/**
 * The {@code alerts} section of the live board, for administrators only: how many emergency accesses wait for review
 * and the newest of them. Read from Redis at every snapshot, so an access on any web node shows on every board.
 */
@Component
class BreakGlassAlerts implements BoardContributor {

    private static final int SHOWN = 10;

    private final Records records;

    BreakGlassAlerts(Records records) {
        this.records = records;
    }

    @Override
    public String section() {
        return "alerts";
    }

    @Override
    public Object snapshot() {
        BreakGlassRegister.Alerts alerts = records.breakGlass().alerts(SHOWN);
        return Map.of("breakGlassOpen", alerts.open(), "breakGlass", alerts.newest());
    }

    @Override
    public boolean forAdministratorsOnly() {
        return true;
    }
}
