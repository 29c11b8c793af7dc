package ma.tabiblink.web.apidocs;

import java.util.List;
import java.util.Map;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.auth.BearerTokenFilter;
import ma.tabiblink.web.error.ErrorBody;

/**
 * Keeps the OpenAPI document ({@code /v3/api-docs}) true to what the server does: the signed-in user is resolved
 * from the token, not a parameter; every operation that needs a token says so (a Bearer scheme) and documents the
 * coded errors it may answer; {@code Idempotency-Key} is required where the booking service requires it.
 * {@code OpenApiDocumentIsTrueTest} compares the document with real answers for every operation.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

    static final String BEARER = "bearer";
    private static final String ERROR_SCHEMA = "ErrorBody";
    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /** The one operation whose Idempotency-Key is optional (without one, a retry may register twice). */
    private static final String PATIENT_REGISTRATION = "/api/v1/patients";

    static {
        // Resolved from the access token by CurrentUserResolver, never sent by the caller.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(CurrentUser.class);
    }

    @Bean
    OpenAPI tabibOpenApi() {
        Components components = new Components().addSecuritySchemes(BEARER, new SecurityScheme()
                .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")
                .description("The accessToken from POST /api/v1/auth/login or /auth/refresh"));
        return new OpenAPI()
                .info(new Info().title("Tabib Link API").version("v1").description("""
                        REST API of Tabib Link. Every error is JSON {"code", "message"} with a stable code (and \
                        sometimes "details"); see the README and docs/operations.md."""))
                .components(components)
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    @Bean
    OpenApiCustomizer securityErrorsAndRequiredHeaders() {
        return openApi -> {
            if (openApi.getPaths() == null) {
                return;
            }
            ModelConverters.getInstance().readAll(ErrorBody.class).forEach(openApi.getComponents()::addSchemas);
            for (Map.Entry<String, PathItem> path : openApi.getPaths().entrySet()) {
                boolean needsToken = BearerTokenFilter.requiresToken(path.getKey());
                for (Operation operation : path.getValue().readOperations()) {
                    if (!needsToken) {
                        operation.setSecurity(List.of());
                    } else {
                        operation.getResponses().addApiResponse("401", error("No valid access token "
                                + "(AUTH_REQUIRED, AUTH_EXPIRED, AUTH_INVALID)"));
                        operation.getResponses().addApiResponse("403", error("Not allowed for this role or "
                                + "this record (FORBIDDEN_ROLE, ACCESS_DENIED, ...)"));
                    }
                    operation.getResponses().addApiResponse("4XX", error("Refused: invalid input, not found, "
                            + "conflict, ... (a stable code says which)"));
                    operation.getResponses().addApiResponse("5XX", error("The server or Redis is unavailable "
                            + "(TEMPORARILY_UNAVAILABLE, NOT_REPLICATED, INTERNAL_ERROR)"));
                    if (operation.getParameters() != null) {
                        for (Parameter parameter : operation.getParameters()) {
                            // Controllers refuse a missing key with their own code; a registration may go without.
                            if ("header".equals(parameter.getIn()) && IDEMPOTENCY_KEY.equals(parameter.getName())) {
                                parameter.setRequired(!(path.getKey().equals(PATIENT_REGISTRATION)
                                        && operation == path.getValue().getPost()));
                            }
                        }
                    }
                }
            }
        };
    }

    private static ApiResponse error(String description) {
        return new ApiResponse().description(description).content(new Content().addMediaType("application/json",
                new MediaType().schema(new Schema<ErrorBody>().$ref("#/components/schemas/" + ERROR_SCHEMA))));
    }
}
