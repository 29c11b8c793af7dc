package ma.tabiblink.web.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;

import ma.tabiblink.web.support.WebTestSupport;

/**
 * The page and its files say how long a browser may keep them: revalidated on every use, answered 304 when unchanged
 * (their URLs carry no version, so nothing may be kept without asking; installed tablets use the service worker's
 * versioned shell instead).
 */
class StaticFilesAreRevalidatedTest extends WebTestSupport {

    private static final List<String> FILES = List.of("/", "/index.html", "/sw.js", "/js/app.js", "/css/app.css",
            "/i18n/ar.json", "/manifest.webmanifest", "/icons/icon-192.png");

    @Test
    void everyShellFileIsRevalidatedAndAnUnchangedOneIsNotSentAgain() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String file : FILES) {
            URI uri = URI.create("http://127.0.0.1:" + port + file);
            HttpResponse<byte[]> first = http.send(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(first.statusCode()).as(file).isEqualTo(200);
            assertThat(first.headers().firstValue("Cache-Control")).as(file).hasValueSatisfying(
                    value -> assertThat(value).contains("no-cache"));
            String lastModified = first.headers().firstValue("Last-Modified").orElseThrow();

            HttpResponse<byte[]> again = http.send(HttpRequest.newBuilder(uri)
                    .header("If-Modified-Since", lastModified).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(again.statusCode()).as(file + " unchanged").isEqualTo(304);
            assertThat(again.body()).as(file).isEmpty();
        }
    }
}
