package ma.tabiblink.signaling.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written ICE candidate path agrees with data binding on every frame it takes, and leaves it the others. */
class CandidateJsonTest {

    private static final MessageCodec CODEC = new MessageCodec();
    private static final ObjectMapper BINDING = CODEC.mapper();

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\":\"ice.candidate\",\"id\":\"i1\",\"callId\":\"call-1\",\"candidate\":{\"candidate\":\"candidate:1 1 udp 2122260223 192.168.1.196 56143 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"tbL1\"}}",
            "{\"callId\":\"call-1\",\"candidate\":{\"sdpMLineIndex\":12,\"candidate\":\"\"},\"type\":\"ice.candidate\"}",
            " { \"type\" : \"ice.candidate\" ,\n\t\"callId\":\"c:1_2.x-y\", \"candidate\" : null } \r\n",
            "{\"type\":\"ice.candidate\",\"id\":null,\"callId\":\"call-1\",\"candidate\":{\"candidate\":\"é ş 候选\",\"sdpMid\":null,\"sdpMLineIndex\":null,\"usernameFragment\":null}}",
            "{\"type\":\"ice.candidate\",\"callId\":\"call-1\",\"candidate\":{\"candidate\":\"x\",\"sdpMLineIndex\":999999999}}"
    })
    void aPlainCandidateIsReadByHandExactlyAsDataBindingReadsIt(String frame) throws Exception {
        byte[] utf8 = frame.getBytes(StandardCharsets.UTF_8);

        Message.IceCandidate byHand = CandidateJson.read(utf8, 0, utf8.length);

        assertThat(byHand).isNotNull().isEqualTo(BINDING.readerFor(Message.Client.class).readValue(utf8));
        assertThat(CODEC.decode(utf8, 0, utf8.length).message()).isEqualTo(byHand);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // escapes, unknown fields, duplicates and other numbers go the general way
            "{\"type\":\"ice.candidate\",\"callId\":\"call-1\",\"candidate\":{\"candidate\":\"a\\\"b\"}}",
            "{\"type\":\"ice.candidate\",\"callId\":\"call-1\",\"candidate\":{\"candidate\":\"a\"},\"extra\":1}",
            "{\"type\":\"ice.candidate\",\"callId\":\"call-1\",\"candidate\":{\"candidate\":\"a\",\"foo\":\"b\"}}",
            "{\"type\":\"ice.candidate\",\"callId\":\"call-1\",\"callId\":\"call-2\",\"candidate\":null}",
            "{\"type\":\"ice.candidate\",\"callId\":\"call-1\",\"candidate\":{\"candidate\":\"a\",\"sdpMLineIndex\":-1}}",
            "{\"type\":\"ice.candidate\",\"callId\":\"call-1\",\"candidate\":{\"candidate\":\"a\",\"sdpMLineIndex\":01}}",
            "{\"type\":\"ice.candidate\",\"callId\":\"call-1\",\"candidate\":{\"candidate\":\"a\",\"sdpMLineIndex\":1.0}}",
            "{\"type\":\"ice.candidate\",\"callId\":\"call-1\",\"candidate\":{\"candidate\":\"a\",\"sdpMLineIndex\":12345678901}}",
            "{\"type\":\"ice.candidate\",\"callId\":\"call-1\",\"candidate\":{\"candidate\":\"a\",\"sdpMid\":0}}",
            // not messages this path takes, or invalid
            "{\"type\":\"sdp.offer\",\"callId\":\"call-1\",\"sdp\":\"v=0\"}",
            "{\"type\":\"ice.candidate\",\"callId\":\"call-1\"}",
            "{\"type\":\"ice.candidate\",\"callId\":\"call 1\",\"candidate\":null}",
            "{\"type\":\"ice.candidate\",\"callId\":\"\",\"candidate\":null}",
            "{\"type\":\"ice.candidate\",\"id\":\" \",\"callId\":\"call-1\",\"candidate\":null}",
            "{\"type\":\"ice.candidate\",\"callId\":\"call-1\",\"candidate\":{\"sdpMid\":\"0\"}}",
            "{\"type\":\"ice.candidate\",\"callId\":\"call-1\",\"candidate\":null} {}",
            "{\"type\":\"ice.candidate\",\"callId\":\"call-1\",\"candidate\":nul}",
            "{\"type\":\"ice.candidate\",\"callId\":\"call-1\",\"candidate\":null,}",
            "{\"type\":\"ice.candidate\",\"callId\":\"call-1\",\"candidate\":{}}",
            "{\"type\":\"ice.candidate\",\"callId\":\"call-1\",\"candidate\":{\"candidate\":\"a\"}",
            "{}",
            ""
    })
    void anythingElseIsLeftToDataBindingWhichGivesTheSameAnswerAsBefore(String frame) {
        byte[] utf8 = frame.getBytes(StandardCharsets.UTF_8);

        assertThat(CandidateJson.read(utf8, 0, utf8.length)).isNull();
    }

    @Test
    void truncatedOrAlteredPlainFramesNeverReadAsSomethingDataBindingWouldRefuse() throws Exception {
        byte[] frame = ("{\"type\":\"ice.candidate\",\"id\":\"i9\",\"callId\":\"call-1\",\"candidate\":{\"candidate\":"
                + "\"candidate:1 1 udp 1 10.0.0.1 9 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":3}}")
                .getBytes(StandardCharsets.US_ASCII);
        String alphabet = " {}[]\":,0123456789abnul\\";
        Random random = new Random(16);
        for (int i = 0; i < 20_000; i++) {
            byte[] altered = frame.clone();
            int length = random.nextBoolean() ? altered.length : random.nextInt(altered.length);
            altered[random.nextInt(altered.length)] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
            Message.IceCandidate byHand = CandidateJson.read(altered, 0, length);
            if (byHand != null) {
                assertThat(byHand).as(new String(altered, 0, length, StandardCharsets.US_ASCII))
                        .isEqualTo(BINDING.readerFor(Message.Client.class).readValue(altered, 0, length));
            }
        }
    }

    @Test
    void theRelayedCandidateIsWrittenExactlyAsDataBindingWritesIt() throws Exception {
        List<Message.IceCandidateRelay> relays = new ArrayList<>();
        for (String text : List.of("candidate:1 1 udp 2122260223 192.168.1.196 56143 typ host", "",
                "quote \" backslash \\ tab \t newline \n nul \u0000 del \u007f", "é ş 候选 \u2028 😀 </script>")) {
            relays.add(new Message.IceCandidateRelay("call-1",
                    new Message.IceCandidateInit(text, "0", 0, "tbL1"), "nurse1"));
            relays.add(new Message.IceCandidateRelay("call-1",
                    new Message.IceCandidateInit(text, null, null, null), text));
            relays.add(new Message.IceCandidateRelay("call-1",
                    new Message.IceCandidateInit(text, text, Integer.MAX_VALUE, text), "dr.cardio"));
        }
        relays.add(new Message.IceCandidateRelay("call-1", null, "nurse1"));
        relays.add(new Message.IceCandidateRelay("call-1", null, null));

        for (Message.IceCandidateRelay relay : relays) {
            assertThat(CODEC.encode(relay)).isEqualTo(BINDING.writeValueAsString(relay));
        }
    }
}
