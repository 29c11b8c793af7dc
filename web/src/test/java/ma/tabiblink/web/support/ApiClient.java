package ma.tabiblink.web.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A small JSON-over-HTTP client for tests, holding the access token of the user it signed in as. */
public final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String accessToken;
    private final JsonNode session;

    public ApiClient(String base) {
        this(base, null, null);
    }

    private ApiClient(String base, String accessToken, JsonNode session) {
        this.base = base;
        this.accessToken = accessToken;
        this.session = session;
    }

    public ApiClient login(String username, String password) {
        Response r = post("/api/v1/auth/login", Map.of("username", username, "password", password));
        if (r.status() != 200) {
            throw new AssertionError("login of " + username + " failed: " + r);
        }
        return new ApiClient(base, r.json().get("accessToken").asText(), r.json());
    }

    public String accessToken() {
        return accessToken;
    }

    public String refreshToken() {
        return session.path("refreshToken").asText();
    }

    /** A single-use ticket to open the given socket ({@code signal} or {@code board}) as this user. */
    public String ticket(String socket) {
        Response r = post("/api/v1/auth/ticket", Map.of("socket", socket));
        if (r.status() != 200) {
            throw new AssertionError("no ticket for " + socket + ": " + r);
        }
        return r.json().path("ticket").asText();
    }

    /** The same user with another access token (e.g. a refreshed one). */
    public ApiClient withAccessToken(String token) {
        return new ApiClient(base, token, session);
    }

    public JsonNode session() {
        return session;
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    public Response delete(String path) {
        return send(request(path).DELETE());
    }

    public Response post(String path, Object body) {
        return send(request(path).POST(body(body)));
    }

    public Response post(String path, Object body, Map<String, String> headers) {
        HttpRequest.Builder builder = request(path).POST(body(body));
        headers.forEach(builder::header);
        return send(builder);
    }

    public Response put(String path, Object body) {
        return send(request(path).PUT(body(body)));
    }

    /** A PUT of raw bytes with the given content type (an upload chunk). */
    public Response putBytes(String path, byte[] content, String contentType) {
        HttpRequest.Builder builder = request(path).PUT(HttpRequest.BodyPublishers.ofByteArray(content));
        builder.setHeader("Content-Type", contentType);
        return send(builder);
    }

    /** A GET whose answer is kept as bytes (an attachment), with its headers. */
    public BytesResponse getBytes(String path) {
        HttpRequest.Builder builder = request(path).GET();
        builder.setHeader("Accept", "*/*");
        try {
            HttpResponse<byte[]> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new BytesResponse(response.statusCode(), response.body(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("Cache-Control").orElse(""));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public record BytesResponse(int status, byte[] body, String contentType, String cacheControl) {
    }

    public Response postRaw(String path, String rawBody) {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofString(rawBody)));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", path.startsWith("/actuator/prometheus") ? "text/plain" : "application/json");
        if (accessToken != null) {
            builder.header("Authorization", "Bearer " + accessToken);
        }
        return builder;
    }

    private static HttpRequest.BodyPublisher body(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofString(body == null ? "" : JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public record Response(int status, String body, String contentType) {

        public JsonNode json() {
            try {
                return body == null || body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public String code() {
            return json().path("code").asText();
        }
    }
}
