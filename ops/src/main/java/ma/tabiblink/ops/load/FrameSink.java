package ma.tabiblink.ops.load;

import io.netty.buffer.ByteBuf;

/** What one connection does with what it receives; every call runs on the connection's event loop. */
interface FrameSink {

    void onOpen(Link link);

    /** A text frame, UTF-8; valid only for the duration of the call. */
    void onText(ByteBuf utf8);

    /** The connection closed; {@code code} is the close frame's status, or -1 when there was none. */
    void onClose(int code, String reason);
}
