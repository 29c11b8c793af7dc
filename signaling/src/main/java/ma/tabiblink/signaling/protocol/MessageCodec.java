package ma.tabiblink.signaling.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.Set;

/** Reads client messages from JSON text and writes server messages as JSON text; thread-safe. */
public final class MessageCodec {

    private static final Set<String> CLIENT_TYPES = Set.of("ping", "presence.set", "call.request", "call.cancel",
            "call.accept", "call.decline", "call.join", "sdp.offer", "sdp.answer", "ice.candidate", "call.media",
            "call.hangup", "session.resume", "call.jitsi", "call.invite");
    private static final int MAX_NESTING = 16;

    private final ObjectMapper mapper;

    public MessageCodec() {
        mapper = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build());
    }

    /** The result of reading one frame: a message, or the error to answer with ({@code re} when it could be read). */
    public record Decoded(Message.Client message, Message.Error error) {
    }

    public Decoded decode(String text) {
        JsonNode tree;
        try {
            tree = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return failure(null, ErrorCode.MALFORMED_JSON, "the frame is not valid JSON");
        }
        if (tree == null || !tree.isObject()) {
            return failure(null, ErrorCode.MALFORMED_JSON, "a message is one JSON object");
        }
        JsonNode idNode = tree.get("id");
        String id = null;
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isTextual() || idNode.asText().isEmpty() || idNode.asText().length() > Message.MAX_ID) {
                return failure(null, ErrorCode.INVALID_MESSAGE, "id must be a string of 1-" + Message.MAX_ID + " characters");
            }
            id = idNode.asText();
        }
        JsonNode type = tree.get("type");
        if (type == null || !type.isTextual()) {
            return failure(id, ErrorCode.INVALID_MESSAGE, "every message needs a string \"type\"");
        }
        if (!CLIENT_TYPES.contains(type.asText())) {
            return failure(id, ErrorCode.UNKNOWN_TYPE, "unknown message type");
        }
        try {
            return new Decoded(mapper.treeToValue(tree, Message.Client.class), null);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause();
            String why = cause instanceof IllegalArgumentException ? cause.getMessage() : "invalid field values";
            return failure(id, ErrorCode.INVALID_MESSAGE, why);
        } catch (InvalidTypeIdException e) {
            return failure(id, ErrorCode.UNKNOWN_TYPE, "unknown message type");
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return failure(id, ErrorCode.INVALID_MESSAGE, "a field has the wrong type");
        }
    }

    private static Decoded failure(String re, ErrorCode code, String message) {
        return new Decoded(null, new Message.Error(re, code.name(), message));
    }

    /** The JSON of a server message without its sequence number. */
    public String encode(Message.Server message) {
        try {
            return mapper.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a server message could not be written as JSON", e);
        }
    }

    /** Adds the session's sequence number to JSON produced by {@link #encode}. */
    public static String withSeq(String json, long seq) {
        return json.substring(0, json.length() - 1) + ",\"seq\":" + seq + "}";
    }

    public ObjectMapper mapper() {
        return mapper;
    }
}
