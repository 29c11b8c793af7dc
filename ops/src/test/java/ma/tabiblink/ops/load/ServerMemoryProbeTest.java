package ma.tabiblink.ops.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class ServerMemoryProbeTest {

    @Test
    void probeReadsTheLiveHeapOfARunningJvm() {
        ServerMemoryProbe.Snapshot snapshot = new ServerMemoryProbe(ProcessHandle.current().pid()).snapshot();

        assertThat(snapshot.heapUsedBytes()).isPositive();
        // This test JVM runs without native memory tracking, so the direct part is reported as not measured.
        assertThat(snapshot.directBytes()).isEqualTo(-1);
    }
}
