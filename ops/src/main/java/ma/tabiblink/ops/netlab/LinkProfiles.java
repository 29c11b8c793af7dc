package ma.tabiblink.ops.netlab;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The lab's link profiles, read from {@code profiles.properties} beside this class (the one place they live). */
public final class LinkProfiles {

    /** One part of a timeline: a profile, for {@code duration} (null: until the end). */
    public record Step(LinkProfile profile, Duration duration) {
    }

    private static final String RESOURCE = "profiles.properties";
    private static final Pattern STEP = Pattern.compile("\\s*([a-z0-9-]+)(?:\\s+(\\d+)s)?\\s*");
    private static final Set<String> FIELDS = Set.of("rate-kbps", "delay-ms", "jitter-ms", "loss-percent", "queue-ms");

    private final Map<String, LinkProfile> profiles;
    private final Map<String, List<Step>> timelines;
    private final Map<String, String> descriptions;

    private LinkProfiles(Map<String, LinkProfile> profiles, Map<String, List<Step>> timelines,
                         Map<String, String> descriptions) {
        this.profiles = profiles;
        this.timelines = timelines;
        this.descriptions = descriptions;
    }

    public static LinkProfiles load() {
        try (InputStream in = LinkProfiles.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            return parse(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LinkProfiles parse(Reader source) throws IOException {
        Properties properties = new Properties() {
            @Override
            public synchronized Object put(Object key, Object value) {
                if (containsKey(key)) {
                    throw new IllegalArgumentException("profile setting given twice: " + key);
                }
                return super.put(key, value);
            }
        };
        properties.load(source);
        Map<String, Map<String, String>> byProfile = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            int dot = key.indexOf('.');
            if (dot <= 0) {
                throw new IllegalArgumentException("profile setting without a profile name: " + key);
            }
            byProfile.computeIfAbsent(key.substring(0, dot), k -> new TreeMap<>())
                    .put(key.substring(dot + 1), properties.getProperty(key).trim());
        }
        Map<String, LinkProfile> profiles = new TreeMap<>();
        Map<String, String> descriptions = new TreeMap<>();
        Map<String, String> stepLines = new TreeMap<>();
        byProfile.forEach((name, settings) -> {
            descriptions.put(name, settings.getOrDefault("description", name));
            if (settings.containsKey("steps")) {
                stepLines.put(name, settings.get("steps"));
            } else {
                profiles.put(name, profile(name, settings));
            }
        });
        Map<String, List<Step>> timelines = new TreeMap<>();
        profiles.forEach((name, profile) -> timelines.put(name, List.of(new Step(profile, null))));
        stepLines.forEach((name, line) -> timelines.put(name, steps(name, line, profiles)));
        return new LinkProfiles(profiles, timelines, descriptions);
    }

    /** Every profile and timeline name, sorted. */
    public Set<String> names() {
        return new TreeSet<>(timelines.keySet());
    }

    public String description(String name) {
        requireKnown(name);
        return descriptions.get(name);
    }

    /** A plain profile (not a timeline). */
    public LinkProfile profile(String name) {
        LinkProfile profile = profiles.get(name);
        if (profile == null) {
            requireKnown(name);
            throw new IllegalArgumentException(name + " is a timeline of profiles, not one profile");
        }
        return profile;
    }

    /** The steps of a timeline; a plain profile is a timeline of one open-ended step. */
    public List<Step> timeline(String name) {
        requireKnown(name);
        return timelines.get(name);
    }

    private void requireKnown(String name) {
        if (!timelines.containsKey(name)) {
            throw new IllegalArgumentException("no link profile named " + name + "; known: " + names());
        }
    }

    private static LinkProfile profile(String name, Map<String, String> settings) {
        for (String key : settings.keySet()) {
            String field = key.startsWith("down.") || key.startsWith("up.") ? key.substring(key.indexOf('.') + 1) : key;
            if (!FIELDS.contains(field) && !Set.of("description", "block-udp", "tcp").contains(key)) {
                throw new IllegalArgumentException("profile " + name + ": unknown setting " + key);
            }
        }
        String tcp = settings.getOrDefault("tcp", "open");
        if (!tcp.equals("open") && !tcp.equals("open-ports-only")) {
            throw new IllegalArgumentException("profile " + name + ": tcp is 'open' or 'open-ports-only', got " + tcp);
        }
        return new LinkProfile(name, settings.get("description"), shape(name, settings, "down."),
                shape(name, settings, "up."), Boolean.parseBoolean(settings.getOrDefault("block-udp", "false")),
                tcp.equals("open-ports-only"));
    }

    private static LinkShape shape(String name, Map<String, String> settings, String direction) {
        try {
            return new LinkShape(
                    (int) number(settings, direction, "rate-kbps", 0),
                    Duration.ofMillis((long) number(settings, direction, "delay-ms", 0)),
                    Duration.ofMillis((long) number(settings, direction, "jitter-ms", 0)),
                    number(settings, direction, "loss-percent", 0),
                    Duration.ofMillis((long) number(settings, direction, "queue-ms", 1000)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("profile " + name + ": " + e.getMessage(), e);
        }
    }

    private static double number(Map<String, String> settings, String direction, String field, double fallback) {
        String value = settings.getOrDefault(direction + field, settings.get(field));
        if (value == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " is not a number: " + value);
        }
    }

    private static List<Step> steps(String name, String line, Map<String, LinkProfile> profiles) {
        List<Step> steps = new ArrayList<>();
        String[] parts = line.split(",");
        for (int i = 0; i < parts.length; i++) {
            Matcher m = STEP.matcher(parts[i]);
            boolean last = i == parts.length - 1;
            if (!m.matches() || (m.group(2) == null) != last) {
                throw new IllegalArgumentException("profile " + name + ": steps are '<profile> <n>s, ..., <profile>', got "
                        + line);
            }
            LinkProfile profile = profiles.get(m.group(1));
            if (profile == null) {
                throw new IllegalArgumentException("profile " + name + ": step " + m.group(1) + " is not a plain profile");
            }
            steps.add(new Step(profile, last ? null : Duration.ofSeconds(Long.parseLong(m.group(2)))));
        }
        return List.copyOf(steps);
    }
}
