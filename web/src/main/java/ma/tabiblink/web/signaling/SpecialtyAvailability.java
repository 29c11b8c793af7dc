package ma.tabiblink.web.signaling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Component;

import ma.tabiblink.signaling.SignalingView;
import ma.tabiblink.web.account.AccountRepository;
import ma.tabiblink.web.account.Role;
import ma.tabiblink.web.account.UserAccount;

/**
 * Who can take an urgent call now, per specialty, for the nurse's specialty buttons: specialists available, busy in a
 * call, calls waiting, and why a specialty nobody can answer is not covered. Every nurse's tablet asks every few
 * seconds, so one snapshot serves all of them for {@link #FRESH_FOR}.
 */
@Component
class SpecialtyAvailability {

    /** How long one snapshot answers every nurse: short enough to read as live, long enough to cost Redis nothing. */
    static final Duration FRESH_FOR = Duration.ofSeconds(2);

    /** Why a specialty cannot answer now; null when someone available or busy can. */
    enum Uncovered { NO_SPECIALIST, NONE_ONLINE, ALL_AWAY }

    /**
     * @param available specialists free to be rung now
     * @param busy specialists in a call, who will be rung when they finish
     * @param waiting urgent calls already waiting for this specialty
     * @param uncovered why nobody can answer now, or null
     */
    record Specialty(String specialty, int available, int busy, int waiting, Uncovered uncovered) {
    }

    private record Snapshot(Instant takenAt, List<Specialty> specialties) {
    }

    private final EmbeddedSignaling signaling;
    private final AccountRepository accounts;
    private final Clock clock;
    private volatile Snapshot last;

    SpecialtyAvailability(EmbeddedSignaling signaling, AccountRepository accounts, Clock clock) {
        this.signaling = signaling;
        this.accounts = accounts;
        this.clock = clock;
    }

    /** Available specialties first (most specialists free first), then those with a wait, then the uncovered ones. */
    List<Specialty> now() {
        Snapshot snapshot = last;
        Instant now = clock.instant();
        if (snapshot == null || !now.isBefore(snapshot.takenAt().plus(FRESH_FOR))) {
            snapshot = new Snapshot(now, take());
            last = snapshot;
        }
        return snapshot.specialties();
    }

    private List<Specialty> take() {
        SignalingView view = signaling.view();
        Map<String, int[]> byStatus = new HashMap<>();
        for (SignalingView.SpecialistPresence specialist : view.specialists()) {
            for (String code : specialist.specialties()) {
                int[] counts = byStatus.computeIfAbsent(code, c -> new int[3]);
                if (specialist.callId() != null || "busy".equals(specialist.status())) counts[1]++;
                else if ("available".equals(specialist.status())) counts[0]++;
                else counts[2]++;
            }
        }
        Map<String, Integer> waiting = new HashMap<>();
        view.queues().forEach(q -> waiting.put(q.specialty(), q.length()));
        Set<String> staffed = new HashSet<>();
        for (UserAccount account : accounts.allUsers()) {
            if (account.role() == Role.SPECIALIST && account.enabled()) staffed.addAll(account.specialties());
        }
        return accounts.specialties().stream()
                .map(code -> {
                    int[] counts = byStatus.getOrDefault(code, new int[3]);
                    return new Specialty(code, counts[0], counts[1], waiting.getOrDefault(code, 0),
                            uncovered(staffed.contains(code), counts));
                })
                .sorted(Comparator.comparing((Specialty s) -> s.uncovered() != null)
                        .thenComparing(Comparator.comparingInt(Specialty::available).reversed())
                        .thenComparing(Specialty::specialty))
                .toList();
    }

    private static Uncovered uncovered(boolean staffed, int[] counts) {
        if (counts[0] + counts[1] > 0) return null;
        if (!staffed) return Uncovered.NO_SPECIALIST;
        return counts[2] > 0 ? Uncovered.ALL_AWAY : Uncovered.NONE_ONLINE;
    }
}
