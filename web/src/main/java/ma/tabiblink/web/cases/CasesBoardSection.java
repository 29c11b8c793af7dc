package ma.tabiblink.web.cases;

import org.springframework.stereotype.Component;

import ma.tabiblink.records.Records;
import ma.tabiblink.web.account.AccountRepository;
import ma.tabiblink.web.board.BoardContributor;

/**
 * The {@code cases} section of the live board: per specialty the sent cases waiting to be claimed, and the overdue
 * ones (most overdue first) for coordinators to follow and hand back. Routing facts only, never a case's content.
 */
@Component
class CasesBoardSection implements BoardContributor {

    private static final int SHOWN = 20;

    private final Records records;
    private final AccountRepository accounts;

    CasesBoardSection(Records records, AccountRepository accounts) {
        this.records = records;
        this.accounts = accounts;
    }

    @Override
    public String section() {
        return "cases";
    }

    @Override
    public Object snapshot() {
        return records.cases().board(accounts.specialties(), SHOWN);
    }
}
