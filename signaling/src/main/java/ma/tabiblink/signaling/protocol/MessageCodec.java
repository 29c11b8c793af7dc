package ma.tabiblink.signaling.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Reads client messages from JSON text and writes server messages as JSON text; thread-safe. */
public final class MessageCodec {

    private static final Set<String> CLIENT_TYPES = Set.of("ping", "presence.set", "call.request", "call.cancel",
            "call.accept", "call.decline", "call.join", "sdp.offer", "sdp.answer", "ice.candidate", "call.media",
            "call.quality", "call.hangup", "session.resume", "call.jitsi", "call.invite");
    private static final int MAX_NESTING = 16;
    private static final String CALL_ENDED = Message.CallEnded.class.getAnnotation(JsonTypeName.class).value();

    private final ObjectMapper mapper;
    private final ObjectReader clientMessages;

    public MessageCodec() {
        mapper = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                // one frame is one object: content after it, or a key given twice, makes the frame malformed
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // numbers and booleans are what they say: "lastSeq": 1.9 or "12", "audioOnly": "true" or 1 are refused
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .build();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build());
        // a number or boolean where text is expected is an error, not text: "id": 7 is refused, not read as "7"
        for (CoercionInputShape shape : new CoercionInputShape[] {
                CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean}) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        clientMessages = mapper.readerFor(Message.Client.class);
    }

    /** The result of reading one frame: a message, or the error to answer with ({@code re} when it could be read). */
    public record Decoded(Message.Client message, Message.Error error) {
    }

    public Decoded decode(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return decode(utf8, 0, utf8.length);
    }

    /**
     * Reads one frame of UTF-8 JSON. A plain ICE candidate, the message relayed most, is read by hand; other
     * well-formed messages are read in one pass; anything the one-pass read refuses is read again as a tree, which
     * finds the precise error and the {@code id} to answer it with.
     */
    public Decoded decode(byte[] utf8, int offset, int length) {
        Message.IceCandidate candidate = CandidateJson.read(utf8, offset, length);
        if (candidate != null) {
            return new Decoded(candidate, null);
        }
        try {
            Message.Client message = clientMessages.readValue(utf8, offset, length);
            if (message != null && validId(message.id())) {
                return new Decoded(message, null);
            }
        } catch (IOException | RuntimeException e) {
            // explained below, by the careful reading
        }
        return decodeCarefully(utf8, offset, length);
    }

    private static boolean validId(String id) {
        return id == null || (!id.isBlank() && id.length() <= Message.MAX_ID);
    }

    private Decoded decodeCarefully(byte[] utf8, int offset, int length) {
        JsonNode tree;
        try {
            tree = mapper.readTree(utf8, offset, length);
        } catch (IOException e) {
            return failure(null, ErrorCode.MALFORMED_JSON, "the frame is not valid JSON");
        }
        if (tree == null || !tree.isObject()) {
            return failure(null, ErrorCode.MALFORMED_JSON, "a message is one JSON object");
        }
        JsonNode idNode = tree.get("id");
        String id = null;
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isTextual() || !validId(idNode.asText())) {
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
        } catch (JsonMappingException e) {
            String field = e.getPath().stream().map(JsonMappingException.Reference::getFieldName)
                    .filter(Objects::nonNull).collect(Collectors.joining("."));
            return failure(id, ErrorCode.INVALID_MESSAGE, field.isEmpty() ? "a field has the wrong type"
                    : field + " is missing or has the wrong type");
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return failure(id, ErrorCode.INVALID_MESSAGE, "a field has the wrong type");
        }
    }

    private static Decoded failure(String re, ErrorCode code, String message) {
        return new Decoded(null, new Message.Error(re, code.name(), message));
    }

    /** The JSON of a server message without its sequence number. */
    public String encode(Message.Server message) {
        if (message instanceof Message.IceCandidateRelay candidate) {
            return new String(CandidateJson.write(candidate), StandardCharsets.UTF_8);
        }
        try {
            return mapper.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a server message could not be written as JSON", e);
        }
    }

    /** The JSON of a server message without its sequence number, as UTF-8. */
    public byte[] encodeUtf8(Message.Server message) {
        if (message instanceof Message.IceCandidateRelay candidate) {
            return CandidateJson.write(candidate);
        }
        return encode(message).getBytes(StandardCharsets.UTF_8);
    }

    /** Adds the session's sequence number to JSON produced by {@link #encode}. */
    public static String withSeq(String json, long seq) {
        return json.substring(0, json.length() - 1) + ",\"seq\":" + seq + "}";
    }

    /**
     * The call a server message announces has ended, when it is a {@code call.ended}. Every message relayed from
     * another node is asked, so only the top-level fields are read, and reading stops at a {@code type} that is not
     * {@code call.ended} (the type is the first field of every message {@link #encode} writes).
     */
    public Optional<String> endedCallId(String serverJson) {
        try (JsonParser parser = mapper.getFactory().createParser(serverJson)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            boolean ended = false;
            String callId = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("type".equals(field)) {
                    if (value != JsonToken.VALUE_STRING || !CALL_ENDED.equals(parser.getText())) {
                        return Optional.empty();
                    }
                    ended = true;
                } else if ("callId".equals(field) && value == JsonToken.VALUE_STRING) {
                    callId = parser.getText();
                } else {
                    parser.skipChildren();
                }
                if (ended && callId != null) {
                    return Optional.of(callId);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public ObjectMapper mapper() {
        return mapper;
    }
}
