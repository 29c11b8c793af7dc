package ma.tabiblink.records.fhir;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * FHIR R4 JSON as Jackson trees: the data types the exports use, the formats of R4's primitives, and the writer.
 * Elements are put in the order the R4 specification lists them. A null or blank value may be put anywhere: FHIR
 * has no empty elements, so {@link #write} leaves out nulls, blank strings, and objects and arrays left empty.
 */
final class FhirJson {

    /** Decimals as given: a Quantity of 7.0 stays 7.0 and one of 100 stays 100 (not 7, nor 1E+2). */
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final ObjectWriter WRITER = new ObjectMapper()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .writer(new DefaultPrettyPrinter(new Separators().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                    .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"))
                    .withObjectIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n")));
    /** R4 {@code instant}: to the millisecond, with its offset. */
    private static final DateTimeFormatter INSTANT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);
    /** R4 {@code dateTime}, to the second as the exports have always given it. */
    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX").withZone(ZoneOffset.UTC);

    private FhirJson() {
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static ArrayNode array(JsonNode... items) {
        ArrayNode a = NODES.arrayNode();
        for (JsonNode item : items) {
            a.add(item);
        }
        return a;
    }

    /** A resource's opening: its type and logical id. */
    static ObjectNode resource(String type, String id) {
        return object().put("resourceType", type).put("id", id);
    }

    /** {@code Type/id}, the relative reference to a resource built here. */
    static String relative(ObjectNode resource) {
        return resource.get("resourceType").asText() + "/" + resource.get("id").asText();
    }

    static ObjectNode coding(String system, String code, String display) {
        return object().put("system", system).put("code", code).put("display", display);
    }

    /** A CodeableConcept of these codings and no text. */
    static ObjectNode concept(ObjectNode... codings) {
        return object().set("coding", array(codings));
    }

    static ObjectNode identifier(String system, String value) {
        return object().put("system", system).put("value", value);
    }

    /** @param use R4 IdentifierUse code: usual, official, secondary… */
    static ObjectNode identifier(String use, String system, String value) {
        return object().put("use", use).put("system", system).put("value", value);
    }

    /** A literal reference, {@code Type/id}. */
    static ObjectNode reference(String reference) {
        return object().put("reference", reference);
    }

    /** A logical reference: by identifier, to something that is not exported as a resource. */
    static ObjectNode referenceByIdentifier(String system, String value) {
        return object().set("identifier", identifier(system, value));
    }

    static String instant(Instant at) {
        return INSTANT.format(at);
    }

    static String dateTime(Instant at) {
        return DATE_TIME.format(at.truncatedTo(ChronoUnit.SECONDS));
    }

    static String base64(byte[] data) {
        return Base64.getEncoder().encodeToString(data);
    }

    /** The JSON text, indented, without the elements left empty. */
    static String write(ObjectNode resource) {
        try {
            return WRITER.writeValueAsString(pruned(resource));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("FHIR JSON could not be written", e);
        }
    }

    /** A copy without what FHIR counts as absent, depth first; null if nothing is left. */
    private static JsonNode pruned(JsonNode node) {
        if (node.isNull() || node.isTextual() && node.asText().isBlank()) {
            return null;
        }
        if (node.isObject()) {
            ObjectNode kept = object();
            node.properties().forEach(p -> {
                JsonNode value = pruned(p.getValue());
                if (value != null) {
                    kept.set(p.getKey(), value);
                }
            });
            return kept.isEmpty() ? null : kept;
        }
        if (node.isArray()) {
            ArrayNode kept = NODES.arrayNode();
            node.forEach(item -> {
                JsonNode value = pruned(item);
                if (value != null) {
                    kept.add(value);
                }
            });
            return kept.isEmpty() ? null : kept;
        }
        return node;
    }
}
