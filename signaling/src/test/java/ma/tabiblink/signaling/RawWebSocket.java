package ma.tabiblink.signaling;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A bare WebSocket client over a socket with a tiny receive buffer, which can stop reading on purpose. */
final class RawWebSocket implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    RawWebSocket(int port, String token) throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.setSoTimeout((int) TestClient.WAIT.toMillis());
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        out = socket.getOutputStream();
        in = socket.getInputStream();
        String handshake = "GET /signal HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        out.write(handshake.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during handshake");
            }
            head.write(b);
        }
        if (!head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + head);
        }
    }

    /** Writes one masked text frame (a zero mask, which the protocol allows). */
    void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        }
        frame.write(new byte[4]);
        frame.write(payload);
        out.write(frame.toByteArray());
    }

    /** Reads and discards everything until the server closes the connection; returns the bytes read. */
    long drainUntilClosed() {
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                total += n;
            }
        } catch (IOException closedByServer) {
            return total;
        }
        return total;
    }

    private int closeCode = -1;
    private int pings;

    /** Reads frames until the server closes; returns the text frames' payloads, remembers the close code. */
    String readAllUntilClosed() throws IOException {
        return readTextsUntil(null);
    }

    /**
     * Reads frames until a text frame contains {@code wanted} (never, when null) or the server closes; returns the
     * text frames' payloads, counts the pings (never answered), remembers the close code.
     */
    String readTextsUntil(String wanted) throws IOException {
        StringBuilder texts = new StringBuilder();
        while (true) {
            int b0 = in.read();
            if (b0 < 0) {
                return texts.toString();
            }
            int len = in.read() & 0x7f;
            if (len == 126) {
                len = (in.read() << 8) | in.read();
            }
            byte[] payload = in.readNBytes(len);
            int opcode = b0 & 0x0f;
            if (opcode == 1) {
                String text = new String(payload, StandardCharsets.UTF_8);
                texts.append(text).append('\n');
                if (wanted != null && text.contains(wanted)) {
                    return texts.toString();
                }
            } else if (opcode == 9) {
                pings++;
            } else if (opcode == 8) {
                closeCode = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                return texts.toString();
            }
        }
    }

    int closeCode() {
        return closeCode;
    }

    /** How many pings the server has sent so far (as far as read). */
    int pings() {
        return pings;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
