package ma.tabiblink.ops.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/** The messages of the relay phase: ICE-candidate-sized JSON, as browsers trickle them. */
final class RelayMessages {

    private static final ByteBuf MARKER =
            Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer("\"ice.candidate\"".getBytes(StandardCharsets.US_ASCII)));

    private static final String CANDIDATE = "candidate:1467250027 1 udp 2122260223 192.168.1.196 56143 typ host"
            + " generation 0 ufrag tbL1 network-id 1 network-cost 10";

    private RelayMessages() {
    }

    /** The relay message of one call (or pair), about 200 bytes for a 36-character call id. */
    static byte[] relayFrame(String callId) {
        return ("{\"type\":\"ice.candidate\",\"callId\":\"" + callId + "\",\"candidate\":{\"candidate\":\""
                + CANDIDATE + "\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}").getBytes(StandardCharsets.UTF_8);
    }

    static boolean isRelay(ByteBuf utf8) {
        return ByteBufUtil.indexOf(MARKER, utf8) >= 0;
    }
}
