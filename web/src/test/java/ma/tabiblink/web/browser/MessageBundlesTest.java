package ma.tabiblink.web.browser;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The Arabic, French and English bundles carry the same keys, none of them empty, with the same placeholders. */
class MessageBundlesTest {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");

    @Test
    void arabicFrenchAndEnglishBundlesHaveTheSameKeysAndPlaceholders() throws IOException {
        Map<String, String> en = bundle("en");
        for (String language : new String[] {"ar", "fr"}) {
            Map<String, String> other = bundle(language);
            assertThat(other.keySet()).as(language + " keys").containsExactlyInAnyOrderElementsOf(en.keySet());
            other.forEach((key, text) -> {
                assertThat(text).as(language + " " + key).isNotBlank();
                assertThat(placeholders(text)).as(language + " " + key).isEqualTo(placeholders(en.get(key)));
            });
        }
    }

    private static Map<String, String> bundle(String language) throws IOException {
        try (InputStream in = MessageBundlesTest.class.getResourceAsStream("/static/i18n/" + language + ".json")) {
            assertThat(in).as(language + " bundle").isNotNull();
            return new ObjectMapper().readValue(in, new TypeReference<Map<String, String>>() { });
        }
    }

    private static TreeSet<String> placeholders(String text) {
        TreeSet<String> names = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
