package ma.tabiblink.records.fhir;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** A FHIR R4 Bundle of type {@code collection}: each resource with its fullUrl on this server, in the order added. */
public final class CollectionBundle {

    private final String baseUrl;
    private final ObjectNode bundle;
    private final ArrayNode entries;

    /** @param baseUrl absolute base URL of the entries' fullUrl, without a trailing slash */
    CollectionBundle(String baseUrl, Instant timestamp) {
        this.baseUrl = baseUrl;
        this.bundle = FhirJson.object().put("resourceType", "Bundle").put("type", "collection")
                .put("timestamp", FhirJson.instant(timestamp));
        this.entries = bundle.putArray("entry");
    }

    void add(ObjectNode resource) {
        entries.addObject().put("fullUrl", baseUrl + "/" + FhirJson.relative(resource)).set("resource", resource);
    }

    /** How many resources the bundle holds. */
    public int size() {
        return entries.size();
    }

    /** The bundle as FHIR JSON, indented. */
    public String json() {
        return FhirJson.write(bundle);
    }
}
