package ma.tabiblink.web.cases;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import ma.tabiblink.records.cases.CaseSummary;
import ma.tabiblink.scheduler.reminder.ReminderDeliveryException;
import ma.tabiblink.scheduler.reminder.WebhookReminderChannel;
import ma.tabiblink.web.account.AccountRepository;
import ma.tabiblink.web.account.Role;
import ma.tabiblink.web.account.UserAccount;
import ma.tabiblink.web.board.LiveBoard;
import ma.tabiblink.web.scheduling.ReminderWebhook;
import ma.tabiblink.web.signaling.EmbeddedSignaling;

/**
 * Who hears that a tele-expertise case changed: the coordinators' board always; the specialists of its specialty, over
 * signalling, so that their inboxes follow at once (a case sent, claimed by a colleague, handed back); when the
 * specialist asks for more or answers, the nurse who wrote it, at once over signalling on every node, and through the
 * operator's webhook (an SMS gateway reaches a nurse whose tablet is off) when one is configured. Only routing facts
 * leave, never the content. Finding the specialists and posting to the webhook run on background threads, one each,
 * so that neither a long staff list nor a slow gateway delays the request that moved the case.
 */
@Component
class CaseNotifications implements DisposableBean {

    static final String WEBHOOK_EVENT = "case.update";
    private static final Logger log = LoggerFactory.getLogger(CaseNotifications.class);
    private static final int MAX_PENDING = 1000;

    private final LiveBoard board;
    private final EmbeddedSignaling signaling;
    private final ReminderWebhook webhook;
    private final ObjectMapper json;
    private final Clock clock;
    private final AccountRepository accounts;
    private final ThreadPoolExecutor posts = background("case-webhook", "an update was not posted to the webhook");
    private final ThreadPoolExecutor inboxes = background("case-inboxes", "specialists' inboxes were not told");

    CaseNotifications(LiveBoard board, EmbeddedSignaling signaling, ReminderWebhook webhook, AccountRepository accounts,
                      ObjectMapper json, Clock clock) {
        this.board = board;
        this.signaling = signaling;
        this.webhook = webhook;
        this.accounts = accounts;
        this.json = json;
        this.clock = clock;
    }

    /** A case moved; {@code tellTheNurse} when the move is news for her (a question or the answer). */
    CaseSummary changed(CaseSummary summary, boolean tellTheNurse) {
        board.changed();
        inboxes.execute(() -> tellSpecialists(summary));
        if (tellTheNurse) {
            signaling.caseChanged(summary.nurseId(), summary.id(), summary.status().name());
            webhook.channel().ifPresent(channel -> posts.execute(() -> post(channel, summary)));
        }
        return summary;
    }

    private void tellSpecialists(CaseSummary summary) {
        for (UserAccount user : accounts.allUsers()) {
            if (user.enabled() && user.role() == Role.SPECIALIST && user.specialties().contains(summary.specialty())) {
                signaling.caseChanged(user.id(), summary.id(), summary.status().name());
            }
        }
    }

    private void post(WebhookReminderChannel channel, CaseSummary summary) {
        String at = clock.instant().toString();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("caseId", summary.id());
        body.put("status", summary.status().name());
        body.put("nurseId", summary.nurseId());
        body.put("dispensaryId", summary.dispensaryId());
        body.put("specialty", summary.specialty());
        body.put("urgency", summary.urgency().name());
        body.put("at", at);
        try {
            channel.post(WEBHOOK_EVENT, summary.id() + "|" + summary.status() + "|" + at, json.writeValueAsString(body));
        } catch (ReminderDeliveryException | JsonProcessingException e) {
            log.warn("Case update {} {} not delivered to the webhook: {}", summary.id(), summary.status(), e.getMessage());
        }
    }

    @Override
    public void destroy() {
        posts.shutdownNow();
        inboxes.shutdownNow();
    }

    private static ThreadPoolExecutor background(String name, String whenFull) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_PENDING), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }, (task, executor) -> log.warn("Case notifications queue full: {}", whenFull));
    }
}
