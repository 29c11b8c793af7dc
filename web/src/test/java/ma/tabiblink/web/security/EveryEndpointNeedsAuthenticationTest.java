package ma.tabiblink.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.WebTestSupport;

/** Walks the OpenAPI document: every operation under /api/v1 refuses a caller without a token. */
class EveryEndpointNeedsAuthenticationTest extends WebTestSupport {

    /** Sign-out is public: it must work with the refresh token alone once the access token has expired. */
    private static final Set<String> PUBLIC = Set.of("POST /api/v1/auth/login", "POST /api/v1/auth/refresh",
            "POST /api/v1/auth/logout");

    @Test
    void everyApiOperationRefusesAnUnauthenticatedCallerWithACode() throws Exception {
        JsonNode paths = api().get("/v3/api-docs").json().path("paths");
        HttpClient http = HttpClient.newHttpClient();
        List<String> checked = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            String concrete = path.getKey().replaceAll("\\{[^}]+}", "x");
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next().toUpperCase();
                if (!path.getKey().startsWith("/api/v1/") || PUBLIC.contains(method + " " + path.getKey())) {
                    continue;
                }
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + concrete))
                                .header("Content-Type", "application/json")
                                .method(method, HttpRequest.BodyPublishers.ofString("{}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(method + " " + concrete).isEqualTo(401);
                assertThat(new ObjectMapper().readTree(response.body()).path("code").asText())
                        .as(method + " " + concrete).isEqualTo("AUTH_REQUIRED");
                checked.add(method + " " + concrete);
            }
        }
        assertThat(checked).hasSizeGreaterThan(30);
    }

    @Test
    void aNurseIsRefusedOnCoordinatorAndAdministratorEndpoints() {
        ApiClient nurse = as("nurse1");
        assertThat(nurse.get("/api/v1/board").code()).isEqualTo("FORBIDDEN_ROLE");
        assertThat(nurse.get("/api/v1/staff").code()).isEqualTo("FORBIDDEN_ROLE");
        assertThat(nurse.get("/api/v1/admin/keys").code()).isEqualTo("FORBIDDEN_ROLE");
        assertThat(nurse.post("/api/v1/admin/dispensaries", Map.of("id", "d-x", "name", "X", "province", "Y")).code())
                .isEqualTo("FORBIDDEN_ROLE");
    }
}
