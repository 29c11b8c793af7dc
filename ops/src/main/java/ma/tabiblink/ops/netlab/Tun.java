package ma.tabiblink.ops.netlab;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * A Linux TUN device (layer 3, no packet information header) opened through {@code /dev/net/tun}: each read gives
 * one IP packet the kernel routed into the device, each write hands one IP packet to the kernel as if it had arrived
 * on it. The device exists as long as it is open. Java has no ioctl, hence the few libc calls through JNA.
 */
final class Tun implements Closeable {

    /** Longest interface name Linux accepts (IFNAMSIZ − 1). */
    static final int MAX_NAME_LENGTH = 15;
    static final int MAX_PACKET_BYTES = 65_535;

    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final long TUNSETIFF = 0x400454caL;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final int IFREQ_BYTES = 40;
    private static final int IFREQ_FLAGS_OFFSET = 16;
    private static final short POLLIN = 0x0001;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;

    private final String name;
    private final int fd;
    private final Memory pollFd = new Memory(8);
    private volatile boolean closed;

    private Tun(String name, int fd) {
        this.name = name;
        this.fd = fd;
        pollFd.setInt(0, fd);
        pollFd.setShort(4, POLLIN);
    }

    /** Creates the device {@code name} in the caller's network namespace and attaches to it. */
    static Tun open(String name) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length == 0 || nameBytes.length > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("a device name has 1-" + MAX_NAME_LENGTH + " characters: " + name);
        }
        int fd;
        try {
            fd = LibC.open("/dev/net/tun", O_RDWR | O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("cannot open /dev/net/tun (errno " + e.getErrorCode() + "; needs root)", e);
        }
        byte[] ifreq = new byte[IFREQ_BYTES];
        System.arraycopy(nameBytes, 0, ifreq, 0, nameBytes.length);
        short flags = IFF_TUN | IFF_NO_PI;
        ifreq[IFREQ_FLAGS_OFFSET] = (byte) flags;
        ifreq[IFREQ_FLAGS_OFFSET + 1] = (byte) (flags >> 8);
        try {
            LibC.ioctl(fd, new NativeLong(TUNSETIFF), ifreq);
        } catch (LastErrorException e) {
            LibC.close(fd);
            throw new IOException("cannot create TUN device " + name + " (errno " + e.getErrorCode() + ")", e);
        }
        return new Tun(name, fd);
    }

    String name() {
        return name;
    }

    /**
     * Reads one packet into {@code buffer}; returns its length, or 0 when nothing arrived within {@code timeoutMillis}
     * or the device was closed (so that a reader can notice it should stop).
     */
    int read(byte[] buffer, int timeoutMillis) throws IOException {
        if (closed) {
            return 0;
        }
        try {
            pollFd.setShort(6, (short) 0);
            int ready = LibC.poll(pollFd, new NativeLong(1), timeoutMillis);
            if (ready <= 0 || closed) {
                return 0;
            }
            return (int) LibC.read(fd, buffer, new NativeLong(buffer.length)).longValue();
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EINTR || e.getErrorCode() == EAGAIN || closed) {
                return 0;
            }
            throw new IOException("read from " + name + " failed (errno " + e.getErrorCode() + ")", e);
        }
    }

    /** Hands one whole packet (the array holds exactly the packet) to the kernel. */
    void write(byte[] packet) throws IOException {
        if (closed) {
            return;
        }
        try {
            LibC.write(fd, packet, new NativeLong(packet.length));
        } catch (LastErrorException e) {
            if (!closed) {
                throw new IOException("write to " + name + " failed (errno " + e.getErrorCode() + ")", e);
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }

    /** The libc calls, bound directly (no proxy per call). */
    private static final class LibC {
        static {
            Native.register(Platform.C_LIBRARY_NAME);
        }

        static native int open(String path, int flags) throws LastErrorException;

        static native int ioctl(int fd, NativeLong request, byte[] argument) throws LastErrorException;

        static native int poll(Pointer fds, NativeLong count, int timeoutMillis) throws LastErrorException;

        static native NativeLong read(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

        static native NativeLong write(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

        static native int close(int fd);
    }
}
