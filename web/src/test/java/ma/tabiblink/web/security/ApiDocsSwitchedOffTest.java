package ma.tabiblink.web.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.WebTestSupport;

/** With TABIB_API_DOCS=false neither the OpenAPI document nor Swagger UI is served. */
class ApiDocsSwitchedOffTest extends WebTestSupport {

    @DynamicPropertySource
    static void noApiDocs(DynamicPropertyRegistry registry) {
        registry.add("tabib.api-docs", () -> "false");
    }

    @Test
    void theOpenApiDocumentAndSwaggerUiAreNotServed() {
        for (String path : List.of("/v3/api-docs", "/v3/api-docs.yaml", "/v3/api-docs/swagger-config",
                "/swagger-ui.html", "/swagger-ui/index.html")) {
            ApiClient.Response r = api().get(path);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.code()).as(path).isEqualTo("NOT_FOUND");
        }
        assertThat(as("nurse1").get("/api/v1/me").status()).isEqualTo(200);
    }
}
