package ma.tabiblink.ops.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a server JVM's memory with {@code jcmd}: the live heap as the total of a class histogram (which counts only
 * reachable objects, after a full GC), and native memory in NMT's "Other" category, which is where direct buffers
 * (JDK and Netty's) are allocated. Needs the server started with {@code -XX:NativeMemoryTracking=summary} for the
 * direct part. The resident set comes from {@code /proc} (Linux).
 */
final class ServerMemoryProbe {

    /**
     * Bytes; {@code directBytes} is -1 when native memory tracking is off in the server, {@code rssBytes} -1 without
     * {@code /proc}.
     */
    record Snapshot(long heapUsedBytes, long directBytes, long rssBytes, Map<String, Long> bytesByClass) {
    }

    private static final Pattern NMT_OTHER = Pattern.compile("Other \\(reserved=\\d+KB, committed=(\\d+)KB\\)");
    private static final Pattern HISTOGRAM_LINE = Pattern.compile("^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE);
    private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    private static final long JCMD_TIMEOUT_SECONDS = 120;

    private final long pid;

    ServerMemoryProbe(long pid) {
        this.pid = pid;
    }

    Snapshot snapshot() {
        Map<String, Long> live = histogram(jcmd("GC.class_histogram"));
        if (live.isEmpty()) {
            throw new LoadException("MEMORY_PROBE_FAILED", "jcmd GC.class_histogram gave no classes for pid " + pid);
        }
        long heap = live.values().stream().mapToLong(Long::longValue).sum();
        String nmt = jcmd("VM.native_memory", "summary");
        long direct = NMT_OTHER.matcher(nmt).find() ? kilobytes(NMT_OTHER, nmt, "VM.native_memory") * 1024 : -1;
        return new Snapshot(heap, direct, rss(), live);
    }

    private long rss() {
        try {
            String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8);
            Matcher m = VM_RSS.matcher(status);
            return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Live bytes per class, from a class histogram (which itself runs a full GC first). */
    static Map<String, Long> histogram(String output) {
        Map<String, Long> bytes = new HashMap<>();
        Matcher m = HISTOGRAM_LINE.matcher(output);
        while (m.find()) {
            bytes.merge(m.group(2), Long.parseLong(m.group(1)), Long::sum);
        }
        return bytes;
    }

    /** The classes whose live bytes grew most between two snapshots, largest first. */
    static List<Map.Entry<String, Long>> grownMost(Snapshot before, Snapshot after, int limit) {
        Map<String, Long> growth = new HashMap<>();
        after.bytesByClass().forEach((type, bytes) -> growth.put(type, bytes - before.bytesByClass().getOrDefault(type, 0L)));
        return growth.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(limit)
                .toList();
    }

    static long kilobytes(Pattern pattern, String output, String command) {
        Matcher m = pattern.matcher(output);
        if (!m.find()) {
            throw new LoadException("MEMORY_PROBE_FAILED", "cannot read jcmd " + command + " output: " + firstLine(output));
        }
        return Long.parseLong(m.group(1));
    }

    private String jcmd(String... command) {
        List<String> line = new ArrayList<>(List.of(jcmdFor(pid), Long.toString(pid)));
        line.addAll(List.of(command));
        Path output = null;
        try {
            output = Files.createTempFile("jcmd", ".out");
            // Output goes to a file so that a jcmd which never answers cannot block the wait below.
            Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new LoadException("MEMORY_PROBE_FAILED", "jcmd " + String.join(" ", command) + " timed out");
            }
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LoadException("MEMORY_PROBE_FAILED", "cannot run jcmd (is a JDK on the PATH?): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoadException("MEMORY_PROBE_FAILED", "interrupted while running jcmd");
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }

    /** The jcmd of the JDK the server runs on: a jcmd of another version may fail to attach, or hang. */
    private static String jcmdFor(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().command())
                .map(java -> Path.of(java).resolveSibling("jcmd"))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .orElse("jcmd");
    }

    private static String firstLine(String text) {
        String trimmed = text.strip();
        int newline = trimmed.indexOf('\n');
        return newline < 0 ? trimmed : trimmed.substring(0, newline);
    }
}
