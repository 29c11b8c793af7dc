package ma.tabiblink.web.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.WebTestSupport;

class AdministrationApiTest extends WebTestSupport {

    @Test
    void anAdministratorCreatesANurseWhoCanThenSignIn() {
        ApiClient admin = as("admin");
        assertThat(admin.post("/api/v1/admin/dispensaries",
                Map.of("id", "disp-imilchil", "name", "Dispensaire Imilchil", "province", "Midelt")).status()).isEqualTo(201);
        ApiClient.Response created = admin.post("/api/v1/admin/users", Map.of("id", "nurse.imilchil",
                "displayName", "Aicha Amazigh", "role", "NURSE", "password", "a-long-password", "dispensaryId", "disp-imilchil",
                "language", "ar"));
        assertThat(created.status()).isEqualTo(201);
        ApiClient nurse = api().login("nurse.imilchil", "a-long-password");
        assertThat(nurse.get("/api/v1/me").json().path("province").asText()).isEqualTo("Midelt");

        assertThat(admin.post("/api/v1/admin/users", Map.of("id", "nurse.imilchil", "displayName", "Again", "role", "NURSE",
                "password", "a-long-password", "dispensaryId", "disp-imilchil")).code()).isEqualTo("USER_EXISTS");
        assertThat(admin.put("/api/v1/admin/users/nurse.imilchil/enabled", Map.of("enabled", false)).status()).isEqualTo(200);
        assertThat(api().post("/api/v1/auth/login", Map.of("username", "nurse.imilchil", "password", "a-long-password")).code())
                .isEqualTo("BAD_CREDENTIALS");
    }

    @Test
    void invalidUsersAreRefusedWithCodes() {
        ApiClient admin = as("admin");
        assertThat(admin.post("/api/v1/admin/users", Map.of("id", "x y", "displayName", "X", "role", "NURSE",
                "password", "a-long-password", "dispensaryId", "disp-tinghir")).code()).isEqualTo("INVALID_USER_ID");
        assertThat(admin.post("/api/v1/admin/users", Map.of("id", "weak", "displayName", "X", "role", "NURSE",
                "password", "short", "dispensaryId", "disp-tinghir")).code()).isEqualTo("WEAK_PASSWORD");
        assertThat(admin.post("/api/v1/admin/users", Map.of("id", "dr.nowhere", "displayName", "X", "role", "SPECIALIST",
                "password", "a-long-password", "specialties", List.of("astrology"))).code()).isEqualTo("UNKNOWN_SPECIALTY");
        assertThat(admin.post("/api/v1/admin/users", Map.of("id", "n.nowhere", "displayName", "X", "role", "NURSE",
                "password", "a-long-password", "dispensaryId", "disp-none")).code()).isEqualTo("UNKNOWN_DISPENSARY");
        assertThat(admin.post("/api/v1/admin/users", Map.of("id", "n.role", "displayName", "X", "role", "SURGEON",
                "password", "a-long-password")).code()).isEqualTo("BAD_JSON");
    }

    @Test
    void administratorsSeeTheRecordsKeyVersionsAndNobodyElseDoes() {
        var keys = as("admin").get("/api/v1/admin/keys").json();
        assertThat(keys.get(0).path("currentVersion").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(keys.get(0).path("versions").size()).isGreaterThanOrEqualTo(1);
        assertThat(keys.get(0).path("rotatedAt").asText()).isNotEmpty();
        assertThat(as("coord1").get("/api/v1/admin/keys").code()).isEqualTo("FORBIDDEN_ROLE");
    }

    @Test
    void staticScreensAreSentCompressed() throws Exception {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/js/signal.js")).header("Accept-Encoding", "gzip").build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Encoding")).contains("gzip");
    }

    @Test
    void onlyAdministratorsChangeAccountsButEveryoneReadsTheDirectories() {
        ApiClient nurse = as("nurse1");
        assertThat(nurse.post("/api/v1/admin/specialties", Map.of("code", "neurology")).code()).isEqualTo("FORBIDDEN_ROLE");
        assertThat(as("coord1").post("/api/v1/admin/users", Map.of("id", "sneaky", "displayName", "S", "role", "ADMIN",
                "password", "a-long-password")).code()).isEqualTo("FORBIDDEN_ROLE");
        assertThat(nurse.get("/api/v1/staff").code()).isEqualTo("FORBIDDEN_ROLE");
        assertThat(nurse.get("/api/v1/specialties").json().toString()).contains("cardiology", "paediatrics", "dermatology");
        assertThat(nurse.get("/api/v1/dispensaries").json().toString()).contains("disp-tinghir", "Azilal");
        assertThat(as("coord1").get("/api/v1/staff").json().toString()).contains("dr.cardio");
    }
}
