package ma.tabiblink.signaling.protocol;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class MessageCodecTest {

    private static final MessageCodec CODEC = new MessageCodec();

    private static final Message.IceCandidateInit CANDIDATE = new Message.IceCandidateInit(
            "candidate:842163049 1 udp 1677729535 41.140.12.7 46154 typ srflx raddr 0.0.0.0 rport 0", "0", 0, "EsKa");
    private static final Message.Party NURSE = new Message.Party("nurse1", "Nurse One", "nurse", "disp-tinghir",
            "tinghir");
    private static final Message.Party SPECIALIST = new Message.Party("dr.cardio", "Dr Cardio", "specialist", null,
            null);
    private static final Message.Media MEDIA = new Message.Media("p2p", List.of(
            new Message.IceServerInfo(List.of("stun:turn.example:3478"), null, null),
            new Message.IceServerInfo(List.of("turn:turn.example:3478?transport=udp",
                    "turns:turn.example:5349"), "1700000000:nurse1", "c2VjcmV0")), "all");

    static List<Message.Client> clientMessages() {
        return List.of(
                new Message.Ping("p1"),
                new Message.PresenceSet("p2", "away"),
                new Message.CallRequest("r1", "cardiology", "pat:42", "chest pain, 2 days — ألم في الصدر"),
                new Message.CallCancel("c1", "call-1"),
                new Message.CallAccept("c2", "call-1"),
                new Message.CallDecline("c3", "call-1"),
                new Message.CallJoin("j1", "appt_7"),
                new Message.SdpOffer("o1", "call-1", "v=0\r\no=- 46117317 2 IN IP4 127.0.0.1\r\n"),
                new Message.SdpAnswer("a1", "call-1", "v=0\r\no=- 46117318 2 IN IP4 127.0.0.1\r\n"),
                new Message.IceCandidate("i1", "call-1", CANDIDATE),
                new Message.CallMedia("m1", "call-1", true, "low bandwidth"),
                new Message.CallQuality("q1", "call-1", "fair", 2.5, 3.9, 18.0),
                new Message.CallHangup("h1", "call-1", "patient-left"),
                new Message.SessionResume("s1", "resume.token-abc", 17L),
                new Message.CallJitsi("jt1", "call-1"),
                new Message.CallInvite("inv1", "call-1", "Fatima Zahra"));
    }

    static List<Message.Server> serverMessages() {
        return List.of(
                new Message.Welcome("sess-1", "resume.token-abc", 120, 25,
                        new Message.UserInfo("dr.cardio", "Dr Cardio", "specialist", Set.of("cardiology", "internal"),
                                null, null)),
                new Message.Pong("p1"),
                new Message.Error("x1", "UNKNOWN_TYPE", "unknown message type"),
                new Message.Presence("p2", "available"),
                new Message.CallQueued("r1", "call-1", 2, 90),
                new Message.QueueUpdate("call-1", 1, 45),
                new Message.CallRinging("call-1", SPECIALIST),
                new Message.CallNoSpecialist("call-1"),
                new Message.CallIncoming("call-1", "cardiology", "pat:42", "chest pain", NURSE, 30,
                        new Message.PatientSummary(66, "FEMALE", "Tinghir")),
                new Message.CallRingCancelled("c1", "call-1"),
                new Message.CallWaiting("c3", "call-1"),
                new Message.CallAccepted("c2", "call-1", "specialist", NURSE, "pat:42", MEDIA),
                new Message.CallEnded("h1", "call-1", "completed", "nurse1"),
                new Message.SdpOfferRelay("call-1", "v=0\r\n", "nurse1"),
                new Message.SdpAnswerRelay("call-1", "v=0\r\n", "dr.cardio"),
                new Message.IceCandidateRelay("call-1", CANDIDATE, "nurse1"),
                new Message.CallMediaRelay("call-1", true, "low bandwidth", "nurse1"),
                new Message.CallQualityRelay("call-1", "poor", 12.5, 2.1, 80.0, "dr.cardio"),
                new Message.PeerReconnecting("call-1"),
                new Message.PeerBack("call-1"),
                new Message.IceRestart("call-1"),
                new Message.SessionResumed("s1", "sess-1", List.of(new Message.CallSummary("call-1", "active",
                        "nurse", SPECIALIST, "cardiology", "pat:42", MEDIA))),
                new Message.TokenRefresh("eyJhbGciOiJIUzI1NiJ9.e30.sig", "2030-01-01T00:00:00Z"),
                new Message.JitsiRoom("call-1", "tabib-abc123", "https://meet.example/tabib-abc123", "jwt.value.sig"),
                new Message.CallInvitation("inv1", "call-1", "https://tabib.example/guest/xyz"),
                new Message.ServerDraining(),
                new Message.CaseUpdate("case-9", "answered"));
    }

    /** Every record reachable through the sealed hierarchy under {@code root}. */
    private static Set<Class<?>> recordsUnder(Class<?> root) {
        Set<Class<?>> records = new HashSet<>();
        Deque<Class<?>> toVisit = new ArrayDeque<>(List.of(root));
        while (!toVisit.isEmpty()) {
            Class<?> type = toVisit.pop();
            if (type.isRecord()) {
                records.add(type);
            } else if (type.isSealed()) {
                toVisit.addAll(List.of(type.getPermittedSubclasses()));
            }
        }
        return records;
    }

    /** Reads server messages the way a client does: by their {@code type}, knowing every server message type. */
    private static ObjectReader serverReader() {
        ObjectMapper mapper = CODEC.mapper().copy();
        mapper.registerSubtypes(recordsUnder(Message.Server.class).toArray(Class<?>[]::new));
        return mapper.readerFor(Message.Server.class);
    }

    /** What a client sends: the message's fields with its {@code type}. */
    private static String asClientSends(Message.Client message) throws JsonProcessingException {
        return CODEC.mapper().writerFor(Message.Client.class).writeValueAsString(message);
    }

    private static MessageCodec.Decoded refused(String re, ErrorCode code, String message) {
        return new MessageCodec.Decoded(null, new Message.Error(re, code.name(), message));
    }

    @Test
    void theSamplesCoverEveryMessageTypeOfTheProtocol() {
        assertThat(clientMessages().stream().map(Object::getClass).collect(Collectors.toSet()))
                .isEqualTo(recordsUnder(Message.Client.class));
        assertThat(serverMessages().stream().map(Object::getClass).collect(Collectors.toSet()))
                .isEqualTo(recordsUnder(Message.Server.class));
    }

    @ParameterizedTest
    @MethodSource("clientMessages")
    void everyClientMessageDecodesToWhatTheClientWrote(Message.Client message) throws Exception {
        String json = asClientSends(message);

        assertThat(CODEC.decode(json)).isEqualTo(new MessageCodec.Decoded(message, null));
    }

    @ParameterizedTest
    @MethodSource("serverMessages")
    void everyServerMessageIsEncodedWithItsTypeAndReadsBackEqual(Message.Server message) throws Exception {
        String json = CODEC.encode(message);

        JsonNode tree = CODEC.mapper().readTree(json);
        assertThat(tree.path("type").asText()).isEqualTo(message.getClass().getAnnotation(JsonTypeName.class).value());
        assertThat((Object) serverReader().readValue(json)).isEqualTo(message);
    }

    @Test
    void serverMessagesLeaveOutAbsentFieldsExceptTheEndOfCandidatesMarker() {
        assertThat(CODEC.encode(new Message.Pong(null))).isEqualTo("{\"type\":\"pong\"}");
        assertThat(CODEC.encode(new Message.IceCandidateRelay("call-1", null, "nurse1")))
                .isEqualTo("{\"type\":\"ice.candidate\",\"callId\":\"call-1\",\"candidate\":null,\"from\":\"nurse1\"}");
    }

    @Test
    void theSequenceNumberIsAddedAsTheLastField() throws Exception {
        String json = MessageCodec.withSeq(CODEC.encode(new Message.Pong("p1")), 42);

        assertThat(json).isEqualTo("{\"type\":\"pong\",\"re\":\"p1\",\"seq\":42}");
        assertThat(MessageCodec.withSeq(CODEC.encode(new Message.ServerDraining()), 7))
                .isEqualTo("{\"type\":\"server.draining\",\"seq\":7}");
        assertThat(CODEC.mapper().readTree(json).path("seq").asLong()).isEqualTo(42);
    }

    @Test
    void theEndedCallIsReadFromACallEndedMessageOnly() {
        assertThat(CODEC.endedCallId(CODEC.encode(new Message.CallEnded(null, "call-1", "hangup", "nurse1"))))
                .contains("call-1");
        assertThat(CODEC.endedCallId("{\"reason\":\"left\",\"callId\":\"call-2\",\"type\":\"call.ended\"}"))
                .contains("call-2");
        assertThat(CODEC.endedCallId(CODEC.encode(new Message.CallWaiting(null, "call-1")))).isEmpty();
        assertThat(CODEC.endedCallId(CODEC.encode(new Message.SdpOfferRelay("call-1",
                "{\"type\":\"call.ended\"}", "nurse1")))).isEmpty();
        assertThat(CODEC.endedCallId("{\"type\":\"call.ended\"")).isEmpty();
        assertThat(CODEC.endedCallId("not json")).isEmpty();
    }

    @Test
    void anEndOfCandidatesNullIsDecodedAndRelayedAsNull() {
        MessageCodec.Decoded decoded = CODEC.decode("{\"type\":\"ice.candidate\",\"callId\":\"call-1\",\"candidate\":null}");

        assertThat(decoded).isEqualTo(new MessageCodec.Decoded(new Message.IceCandidate(null, "call-1", null), null));
        assertThat(CODEC.encode(((Message.Relayed) decoded.message()).toPeer("nurse1")))
                .contains("\"candidate\":null");
    }

    @Test
    void aHangupWithoutReasonIsReadAsCompleted() {
        assertThat(CODEC.decode("{\"type\":\"call.hangup\",\"callId\":\"call-1\"}").message())
                .isEqualTo(new Message.CallHangup(null, "call-1", "completed"));
    }

    @Test
    void unknownFieldsAreIgnoredAndAMessageWithoutIdIsAccepted() {
        assertThat(CODEC.decode("{\"type\":\"ping\",\"client\":\"tablet\",\"extra\":{\"a\":[1,2]}}"))
                .isEqualTo(new MessageCodec.Decoded(new Message.Ping(null), null));
    }

    @Test
    void onlyTheGivenRangeOfTheBytesIsRead() {
        byte[] framed = "xx{\"type\":\"ping\",\"id\":\"p1\"}yy".getBytes(StandardCharsets.UTF_8);

        assertThat(CODEC.decode(framed, 2, framed.length - 4))
                .isEqualTo(new MessageCodec.Decoded(new Message.Ping("p1"), null));
    }

    static Stream<Arguments> refusedFrames() {
        String deep = "{\"type\":\"ping\",\"x\":" + "[".repeat(20) + "]".repeat(20) + "}";
        return Stream.of(
                Arguments.of("{not json", refused(null, ErrorCode.MALFORMED_JSON, "the frame is not valid JSON")),
                Arguments.of(deep, refused(null, ErrorCode.MALFORMED_JSON, "the frame is not valid JSON")),
                Arguments.of("", refused(null, ErrorCode.MALFORMED_JSON, "a message is one JSON object")),
                Arguments.of("null", refused(null, ErrorCode.MALFORMED_JSON, "a message is one JSON object")),
                Arguments.of("[1,2]", refused(null, ErrorCode.MALFORMED_JSON, "a message is one JSON object")),
                Arguments.of("\"ping\"", refused(null, ErrorCode.MALFORMED_JSON, "a message is one JSON object")),
                Arguments.of("{\"type\":\"ping\",\"id\":7}",
                        refused(null, ErrorCode.INVALID_MESSAGE, "id must be a string of 1-64 characters")),
                Arguments.of("{\"type\":\"ping\",\"id\":\"\"}",
                        refused(null, ErrorCode.INVALID_MESSAGE, "id must be a string of 1-64 characters")),
                Arguments.of("{\"type\":\"ping\",\"id\":\"a\"} trailing",
                        refused(null, ErrorCode.MALFORMED_JSON, "the frame is not valid JSON")),
                Arguments.of("{\"type\":\"ping\",\"id\":\"a\"}{\"type\":\"ping\",\"id\":\"b\"}",
                        refused(null, ErrorCode.MALFORMED_JSON, "the frame is not valid JSON")),
                Arguments.of("{\"type\":\"ping\",\"type\":\"presence.set\",\"id\":\"a\"}",
                        refused(null, ErrorCode.MALFORMED_JSON, "the frame is not valid JSON")),
                Arguments.of("{\"type\":\"ping\",\"id\":\"   \"}",
                        refused(null, ErrorCode.INVALID_MESSAGE, "id must be a string of 1-64 characters")),
                Arguments.of("{\"type\":\"session.resume\",\"id\":\"x1\",\"resumeToken\":\"t\",\"lastSeq\":1.9}",
                        refused("x1", ErrorCode.INVALID_MESSAGE, "lastSeq is missing or has the wrong type")),
                Arguments.of("{\"type\":\"session.resume\",\"id\":\"x1\",\"resumeToken\":\"t\",\"lastSeq\":\"12\"}",
                        refused("x1", ErrorCode.INVALID_MESSAGE, "lastSeq is missing or has the wrong type")),
                Arguments.of("{\"type\":\"call.media\",\"id\":\"x1\",\"callId\":\"call-1\",\"audioOnly\":\"true\"}",
                        refused("x1", ErrorCode.INVALID_MESSAGE, "audioOnly is missing or has the wrong type")),
                Arguments.of("{\"type\":\"call.media\",\"id\":\"x1\",\"callId\":\"call-1\",\"audioOnly\":1}",
                        refused("x1", ErrorCode.INVALID_MESSAGE, "audioOnly is missing or has the wrong type")),
                Arguments.of("{\"type\":\"ping\",\"id\":\"" + "a".repeat(65) + "\"}",
                        refused(null, ErrorCode.INVALID_MESSAGE, "id must be a string of 1-64 characters")),
                Arguments.of("{\"id\":\"x1\"}",
                        refused("x1", ErrorCode.INVALID_MESSAGE, "every message needs a string \"type\"")),
                Arguments.of("{\"type\":5,\"id\":\"x1\"}",
                        refused("x1", ErrorCode.INVALID_MESSAGE, "every message needs a string \"type\"")),
                Arguments.of("{\"type\":\"teleport\",\"id\":\"x1\"}",
                        refused("x1", ErrorCode.UNKNOWN_TYPE, "unknown message type")),
                Arguments.of("{\"type\":\"pong\",\"id\":\"x1\"}",
                        refused("x1", ErrorCode.UNKNOWN_TYPE, "unknown message type")),
                Arguments.of("{\"type\":\"presence.set\",\"id\":\"x1\",\"status\":\"busy\"}",
                        refused("x1", ErrorCode.INVALID_MESSAGE, "status must be \"available\" or \"away\"")),
                Arguments.of("{\"type\":\"call.request\",\"id\":\"x1\",\"specialty\":\"Cardio logy!\",\"patientRef\":\"p\"}",
                        refused("x1", ErrorCode.INVALID_MESSAGE,
                                "specialty must be a lowercase code (letters, digits, dashes)")),
                Arguments.of("{\"type\":\"call.request\",\"id\":\"x1\",\"specialty\":\"cardiology\",\"patientRef\":\"p\","
                                + "\"reason\":\"" + "r".repeat(513) + "\"}",
                        refused("x1", ErrorCode.INVALID_MESSAGE, "reason is longer than 512 characters")),
                Arguments.of("{\"type\":\"call.accept\",\"id\":\"x1\"}",
                        refused("x1", ErrorCode.INVALID_MESSAGE, "callId is required")),
                Arguments.of("{\"type\":\"call.accept\",\"id\":\"x1\",\"callId\":\"call 1\"}",
                        refused("x1", ErrorCode.INVALID_MESSAGE, "callId must be 1-128 letters, digits or . _ : -")),
                Arguments.of("{\"type\":\"call.accept\",\"id\":\"x1\",\"callId\":7}",
                        refused("x1", ErrorCode.INVALID_MESSAGE, "callId is missing or has the wrong type")),
                Arguments.of("{\"type\":\"sdp.offer\",\"id\":\"x1\",\"callId\":\"call-1\",\"sdp\":\" \"}",
                        refused("x1", ErrorCode.INVALID_MESSAGE, "sdp is required")),
                Arguments.of("{\"type\":\"ice.candidate\",\"id\":\"x1\",\"callId\":\"call-1\"}",
                        refused("x1", ErrorCode.INVALID_MESSAGE, "candidate is missing or has the wrong type")),
                Arguments.of("{\"type\":\"ice.candidate\",\"id\":\"x1\",\"callId\":\"call-1\",\"candidate\":{\"sdpMid\":\"0\"}}",
                        refused("x1", ErrorCode.INVALID_MESSAGE, "candidate.candidate is required")),
                Arguments.of("{\"type\":\"ice.candidate\",\"id\":\"x1\",\"callId\":\"call-1\",\"candidate\":{\"candidate\":5}}",
                        refused("x1", ErrorCode.INVALID_MESSAGE, "candidate.candidate is missing or has the wrong type")),
                Arguments.of("{\"type\":\"call.media\",\"id\":\"x1\",\"callId\":\"call-1\"}",
                        refused("x1", ErrorCode.INVALID_MESSAGE, "audioOnly is required")),
                Arguments.of("{\"type\":\"call.quality\",\"id\":\"x1\",\"callId\":\"call-1\",\"grade\":\"superb\"}",
                        refused("x1", ErrorCode.INVALID_MESSAGE,
                                "grade must be one of " + Message.CallQuality.GRADES)),
                Arguments.of("{\"type\":\"call.quality\",\"id\":\"x1\",\"callId\":\"call-1\",\"grade\":\"good\",\"mos\":7}",
                        refused("x1", ErrorCode.INVALID_MESSAGE, "mos must be between 1 and 5")),
                Arguments.of("{\"type\":\"call.hangup\",\"id\":\"x1\",\"callId\":\"call-1\",\"reason\":\"Gone!\"}",
                        refused("x1", ErrorCode.INVALID_MESSAGE,
                                "reason must be a lowercase code (letters, digits, dashes)")),
                Arguments.of("{\"type\":\"session.resume\",\"id\":\"x1\",\"resumeToken\":\"t\",\"lastSeq\":-1}",
                        refused("x1", ErrorCode.INVALID_MESSAGE, "lastSeq must be a number >= 0")),
                Arguments.of("{\"type\":\"session.resume\",\"id\":\"x1\",\"resumeToken\":\"" + "t".repeat(257)
                                + "\",\"lastSeq\":0}",
                        refused("x1", ErrorCode.INVALID_MESSAGE, "resumeToken is too long")),
                Arguments.of("{\"type\":\"call.invite\",\"id\":\"x1\",\"callId\":\"call-1\",\"name\":\"" + "n".repeat(129)
                                + "\"}",
                        refused("x1", ErrorCode.INVALID_MESSAGE, "name is longer than 128 characters")));
    }

    @ParameterizedTest
    @MethodSource("refusedFrames")
    void aRefusedFrameIsAnsweredWithItsCodeAndReasonAndTheIdWhenReadable(String frame,
                                                                        MessageCodec.Decoded expected) {
        assertThat(CODEC.decode(frame)).isEqualTo(expected);
    }
}
