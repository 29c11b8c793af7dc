package ma.tabiblink.web.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ma.tabiblink.web.support.WebTestSupport;

/**
 * Requests that the servlet container rejects before any of our code runs (encoded separators, NUL, path traversal,
 * oversized headers, path parameters) still get coded JSON, and leave no stack trace in the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class MalformedRequestsTest extends WebTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    record RawResponse(int status, String contentType, String body) {

        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    @Test
    void encodedSeparatorsNulAndTraversalInThePathGetCodedJson(CapturedOutput log) throws Exception {
        for (String path : List.of("/api/v1/patients/a%2Fb", "/api/v1/patients/a%5Cb", "/api/v1/patients/a%00b",
                "/%2e%2e%2fetc/passwd", "/api/v1/%2e%2e%2f%2e%2e%2fetc/passwd", "/js/..%2f..%2fpom.xml",
                "/api/v1/me%00.json", "/a\\b")) {
            RawResponse r = send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertThat(r.status()).as(path).isEqualTo(400);
            assertThat(r.contentType()).as(path).startsWith("application/json");
            assertThat(r.json().path("code").asText()).as(path).isEqualTo("BAD_PATH");
            assertThat(r.json().path("message").asText()).as(path).isNotBlank();
            assertThat(r.body()).as(path).doesNotContainIgnoringCase("tomcat").doesNotContain("<html");
        }
        assertThat(log.getAll()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    void headersTooLargeGetCodedJsonAndNoStackTraceInTheLog(CapturedOutput log) throws Exception {
        for (int kilobytes : List.of(9, 17, 64)) {
            String big = "x".repeat(kilobytes * 1024);
            RawResponse r = send("GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + big
                    + "\r\nConnection: close\r\n\r\n");
            assertThat(r.contentType()).as(kilobytes + " KB").startsWith("application/json");
            if (r.status() == 401) {
                // Within the accepted header size: the request reached the API, which wants a token.
                assertThat(r.json().path("code").asText()).isEqualTo("AUTH_REQUIRED");
            } else {
                assertThat(r.status()).as(kilobytes + " KB").isEqualTo(431);
                assertThat(r.json().path("code").asText()).isEqualTo("HEADERS_TOO_LARGE");
            }
        }
        RawResponse tooLarge = send("GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "y".repeat(64 * 1024)
                + "\r\nConnection: close\r\n\r\n");
        assertThat(tooLarge.status()).isEqualTo(431);
        assertThat(log.getAll()).doesNotContain("\tat ").doesNotContain("IllegalArgumentException");
    }

    @Test
    void managementEndpointsCannotBeReachedThroughPathParameters(CapturedOutput log) throws Exception {
        for (String path : List.of("/actuator;x/prometheus", "/actuator/prometheus;x", "/;x/actuator/prometheus",
                "/actuator/;/prometheus", "/.;/actuator/prometheus", "/actuator%3Bx/prometheus",
                "/api/v1/me;jsessionid=x")) {
            RawResponse r = send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/plain\r\nConnection: close\r\n\r\n");
            assertThat(r.status()).as(path).isEqualTo(400);
            assertThat(r.contentType()).as(path).startsWith("application/json");
            assertThat(r.body()).as(path).doesNotContain("jvm_").doesNotContain("# HELP");
            assertThat(r.json().path("code").asText()).as(path).isEqualTo("BAD_PATH");
        }
        assertThat(log.getAll()).doesNotContain("\tat ");
    }

    private RawResponse send(String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int headerEnd = text.indexOf("\r\n\r\n");
            String head = text.substring(0, headerEnd);
            String body = text.substring(headerEnd + 4);
            int status = Integer.parseInt(head.substring(9, 12));
            String contentType = "";
            boolean chunked = false;
            for (String line : head.split("\r\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-type:")) {
                    contentType = line.substring(13).strip();
                }
                if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            return new RawResponse(status, contentType, chunked ? unchunk(body) : body);
        }
    }

    private static String unchunk(String body) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            int lineEnd = body.indexOf("\r\n", i);
            int size = Integer.parseInt(body.substring(i, lineEnd).strip(), 16);
            if (size == 0) {
                break;
            }
            out.append(body, lineEnd + 2, lineEnd + 2 + size);
            i = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }
}
