package ma.tabiblink.signaling.session;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayTest {

    @Test
    void onlyTheStoredMessagesNewerThanTheClientsLastAreSentAgainUnderTheirNumbers() {
        Replay replay = Replay.of(7, false, List.of("5 {\"a\":5}", "6 {\"a\":6}", "7 {\"a\":7}"), 5);
        assertThat(replay.messages()).containsExactly(new Session.Sent(6, "{\"a\":6}"), new Session.Sent(7, "{\"a\":7}"));
        assertThat(replay.lastSeq()).isEqualTo(7);
        assertThat(replay.gap()).isFalse();
    }

    @Test
    void aClientThatMissedMoreThanWasStoredIsToldOfTheGap() {
        Replay replay = Replay.of(9, false, List.of("8 {\"a\":8}", "9 {\"a\":9}"), 5);
        assertThat(replay.messages()).extracting(Session.Sent::seq).containsExactly(8L, 9L);
        assertThat(replay.gap()).isTrue();
    }

    @Test
    void numberingGoesOnAfterWhicheverSideSawMore() {
        assertThat(Replay.of(4, false, List.of(), 6).lastSeq()).isEqualTo(6);
        assertThat(Replay.of(6, false, List.of(), 4).lastSeq()).isEqualTo(6);
        assertThat(Replay.of(6, false, List.of(), 4).messages()).isEmpty();
    }

    @Test
    void aSessionParkedAfterItsNodeDiedSendsEverythingStoredAgainNumberedAfterBothSides() {
        Replay replay = Replay.of(0, true, List.of("3 {\"a\":3}", "4 {\"a\":4}"), 10);
        assertThat(replay.messages()).containsExactly(new Session.Sent(11, "{\"a\":3}"),
                new Session.Sent(12, "{\"a\":4}"));
        assertThat(replay.lastSeq()).isEqualTo(12);
        assertThat(replay.gap()).isFalse();
    }
}
