package ma.tabiblink.ops.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class ServerMemoryProbeTest {

    @Test
    void probeReadsTheLiveHeapAndItsClassHistogramOfARunningJvm() {
        ServerMemoryProbe.Snapshot snapshot = new ServerMemoryProbe(ProcessHandle.current().pid()).snapshot();

        assertThat(snapshot.heapUsedBytes()).isPositive();
        assertThat(snapshot.bytesByClass()).containsKey("java.lang.String");
        assertThat(snapshot.bytesByClass().get("java.lang.String")).isPositive();
        // This test JVM runs without native memory tracking, so the direct part is reported as not measured.
        assertThat(snapshot.directBytes()).isEqualTo(-1);
    }
}
