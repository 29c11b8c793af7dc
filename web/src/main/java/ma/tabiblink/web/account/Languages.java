package ma.tabiblink.web.account;

import java.util.Set;

/** The interface languages: Arabic, French, English. */
public final class Languages {

    public static final Set<String> SUPPORTED = Set.of("ar", "fr", "en");

    private Languages() {
    }

    public static boolean supported(String language) {
        return language != null && SUPPORTED.contains(language);
    }
}
