package ma.tabiblink.signaling.protocol;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The relay's hot path: {@code ice.candidate}, dozens per call, read and written by hand instead of through data
 * binding. The reader takes only the plain shape browsers send (the known fields once each, strings without escapes,
 * a small integer index) and answers null for anything else, which {@link MessageCodec} then reads the general way,
 * with its precise errors. The writer writes exactly what data binding writes.
 */
final class CandidateJson {

    private static final int MAX_INDEX_DIGITS = 9;

    private final byte[] in;
    private final int end;
    private int at;

    private CandidateJson(byte[] in, int offset, int length) {
        this.in = in;
        this.at = offset;
        this.end = offset + length;
    }

    /** The message, or null when the frame is not a plain {@code ice.candidate} (or is invalid). */
    static Message.IceCandidate read(byte[] utf8, int offset, int length) {
        try {
            return new CandidateJson(utf8, offset, length).message();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * What the peer receives, without its {@code seq}, as UTF-8: the same JSON as data binding writes for the record,
     * written straight into bytes.
     */
    static byte[] write(Message.IceCandidateRelay relay) {
        Utf8 json = new Utf8().ascii("{\"type\":\"ice.candidate\",\"callId\":").quoted(relay.callId())
                .ascii(",\"candidate\":");
        Message.IceCandidateInit c = relay.candidate();
        if (c == null) {
            json.ascii("null");
        } else {
            json.ascii("{\"candidate\":").quoted(c.candidate());
            if (c.sdpMid() != null) {
                json.ascii(",\"sdpMid\":").quoted(c.sdpMid());
            }
            if (c.sdpMLineIndex() != null) {
                json.ascii(",\"sdpMLineIndex\":").ascii(Integer.toString(c.sdpMLineIndex()));
            }
            if (c.usernameFragment() != null) {
                json.ascii(",\"usernameFragment\":").quoted(c.usernameFragment());
            }
            json.ascii("}");
        }
        json.ascii(",\"from\":");
        if (relay.from() == null) {
            json.ascii("null");
        } else {
            json.quoted(relay.from());
        }
        return json.ascii("}").bytes();
    }

    /** A UTF-8 JSON text being written, in a buffer of the writing thread, copied out once at the end. */
    private static final class Utf8 {
        private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[1024]);

        private byte[] buf = BUFFER.get();
        private int length;

        Utf8 ascii(String text) {
            room(text.length());
            for (int i = 0; i < text.length(); i++) {
                buf[length++] = (byte) text.charAt(i);
            }
            return this;
        }

        /** A JSON string: printable ASCII as is, anything else through Jackson's own escaping. */
        Utf8 quoted(String value) {
            room(value.length() + 2);
            int start = length;
            buf[length++] = '"';
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                    length = start;
                    byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(value);
                    room(escaped.length + 2);
                    buf[length++] = '"';
                    System.arraycopy(escaped, 0, buf, length, escaped.length);
                    length += escaped.length;
                    buf[length++] = '"';
                    return this;
                }
                buf[length++] = (byte) c;
            }
            buf[length++] = '"';
            return this;
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, length);
        }

        private void room(int more) {
            if (length + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(length + more, 2 * buf.length));
                BUFFER.set(buf);
            }
        }
    }

    // ------------------------------------------------------------------ reading

    private Message.IceCandidate message() {
        boolean typed = false;
        boolean hasId = false;
        boolean hasCandidate = false;
        String id = null;
        String callId = null;
        Message.IceCandidateInit candidate = null;
        expect('{');
        do {
            switch (key()) {
                case "type" -> {
                    plain(!typed);
                    typed = true;
                    plain("ice.candidate".equals(string()));
                }
                case "id" -> {
                    plain(!hasId);
                    hasId = true;
                    id = stringOrNull();
                }
                case "callId" -> {
                    plain(callId == null);
                    callId = string();
                }
                case "candidate" -> {
                    plain(!hasCandidate);
                    hasCandidate = true;
                    candidate = candidateOrNull();
                }
                default -> throw notPlain();
            }
        } while (comma('}'));
        skipSpace();
        plain(at == end && typed && hasCandidate && callId != null);
        plain(id == null || (!id.isBlank() && id.length() <= Message.MAX_ID));
        return new Message.IceCandidate(id, callId, candidate);
    }

    private Message.IceCandidateInit candidateOrNull() {
        if (literalNull()) {
            return null;
        }
        String candidate = null;
        String sdpMid = null;
        Integer sdpMLineIndex = null;
        String usernameFragment = null;
        boolean mid = false;
        boolean index = false;
        boolean fragment = false;
        expect('{');
        do {
            switch (key()) {
                case "candidate" -> {
                    plain(candidate == null);
                    candidate = string();
                }
                case "sdpMid" -> {
                    plain(!mid);
                    mid = true;
                    sdpMid = stringOrNull();
                }
                case "sdpMLineIndex" -> {
                    plain(!index);
                    index = true;
                    sdpMLineIndex = literalNull() ? null : smallInteger();
                }
                case "usernameFragment" -> {
                    plain(!fragment);
                    fragment = true;
                    usernameFragment = stringOrNull();
                }
                default -> throw notPlain();
            }
        } while (comma('}'));
        plain(candidate != null);
        return new Message.IceCandidateInit(candidate, sdpMid, sdpMLineIndex, usernameFragment);
    }

    /** The next key and its colon; an empty object is not plain. */
    private String key() {
        String key = string();
        expect(':');
        return key;
    }

    /** After a member: true on a comma, false on the closing character, anything else is not plain. */
    private boolean comma(char close) {
        skipSpace();
        plain(at < end);
        byte b = in[at++];
        if (b == ',') {
            return true;
        }
        plain(b == close);
        return false;
    }

    private String stringOrNull() {
        return literalNull() ? null : string();
    }

    /** A string without escapes or control characters (the frame's UTF-8 was checked by the WebSocket layer). */
    private String string() {
        expect('"');
        int start = at;
        while (at < end) {
            byte b = in[at];
            if (b == '"') {
                at++;
                return new String(in, start, at - 1 - start, StandardCharsets.UTF_8);
            }
            plain(b != '\\' && (b & 0xFF) >= 0x20);
            at++;
        }
        throw notPlain();
    }

    private Integer smallInteger() {
        int start = at;
        int value = 0;
        while (at < end && in[at] >= '0' && in[at] <= '9') {
            value = value * 10 + (in[at++] - '0');
        }
        int digits = at - start;
        plain(digits > 0 && digits <= MAX_INDEX_DIGITS && (digits == 1 || in[start] != '0'));
        plain(at == end || in[at] == ',' || in[at] == '}' || isSpace(in[at]));
        return value;
    }

    private boolean literalNull() {
        skipSpace();
        if (end - at >= 4 && in[at] == 'n' && in[at + 1] == 'u' && in[at + 2] == 'l' && in[at + 3] == 'l') {
            at += 4;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        skipSpace();
        plain(at < end && in[at] == c);
        at++;
    }

    private void skipSpace() {
        while (at < end && isSpace(in[at])) {
            at++;
        }
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static void plain(boolean condition) {
        if (!condition) {
            throw notPlain();
        }
    }

    private static IllegalArgumentException notPlain() {
        return NOT_PLAIN;
    }

    /** Thrown and caught within {@link #read}; shared and without a stack, as it only means "take the general path". */
    private static final IllegalArgumentException NOT_PLAIN = new IllegalArgumentException("not a plain candidate") {
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };
}
