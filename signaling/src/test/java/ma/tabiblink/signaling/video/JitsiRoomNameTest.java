package ma.tabiblink.signaling.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class JitsiRoomNameTest {

    private final VideoBroker broker = new VideoBroker(VideoConfig.stunOnly(List.of()), Clock.systemUTC());

    @Test
    void roomNamesAreUniqueOverManyDrawsAndUseOnlyLowercaseBase32() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50_000; i++) {
            String name = broker.newJitsiRoomName();
            assertThat(name).matches("[a-z2-7]{32}");
            assertThat(VideoBroker.JITSI_ROOM_NAME.matcher(name).matches()).isTrue();
            seen.add(name);
        }
        assertThat(seen).hasSize(50_000);
    }

    @Test
    void everyBase32SymbolAppearsInEveryPositionSoNoBitsAreWasted() {
        int draws = 20_000;
        List<Set<Character>> symbolsAt = IntStream.range(0, 32)
                .mapToObj(i -> (Set<Character>) new HashSet<Character>()).toList();
        for (int i = 0; i < draws; i++) {
            String name = broker.newJitsiRoomName();
            for (int p = 0; p < 32; p++) {
                symbolsAt.get(p).add(name.charAt(p));
            }
        }
        assertThat(symbolsAt).allSatisfy(symbols -> assertThat(symbols).hasSize(32));
    }
}
