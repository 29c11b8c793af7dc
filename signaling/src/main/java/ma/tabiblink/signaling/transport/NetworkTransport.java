package ma.tabiblink.signaling.transport;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sockets a signalling node runs on: Linux's io_uring or epoll through Netty's native transports, or Java's NIO
 * anywhere. The native ones are looked up by name, so a node without their libraries still starts on NIO.
 */
public enum NetworkTransport {
    /** epoll where it loads, NIO otherwise. */
    AUTO,
    /** io_uring where the kernel allows it (fewer system calls per message), then as {@link #AUTO}. */
    IO_URING,
    EPOLL,
    NIO;

    private static final Logger log = LoggerFactory.getLogger(NetworkTransport.class);

    /** What a node's event loops and server socket are built from. */
    public record Choice(String name, IoHandlerFactory io, Class<? extends ServerChannel> serverChannel) {
    }

    /** The transport asked for, or the next one down when it cannot run here (io_uring, then epoll, then NIO). */
    public Choice choose() {
        if (this == IO_URING) {
            Choice ring = nativeTransport("io_uring", "io.netty.channel.uring.IoUring",
                    "io.netty.channel.uring.IoUringIoHandler", "io.netty.channel.uring.IoUringServerSocketChannel");
            if (ring != null) {
                return ring;
            }
        }
        if (this != NIO) {
            Choice epoll = nativeTransport("epoll", "io.netty.channel.epoll.Epoll",
                    "io.netty.channel.epoll.EpollIoHandler", "io.netty.channel.epoll.EpollServerSocketChannel");
            if (epoll != null) {
                return epoll;
            }
        }
        return new Choice("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
    }

    @SuppressWarnings("unchecked")
    private Choice nativeTransport(String name, String probe, String handler, String serverChannel) {
        try {
            Class<?> availability = Class.forName(probe);
            if ((Boolean) availability.getMethod("isAvailable").invoke(null)) {
                return new Choice(name,
                        (IoHandlerFactory) Class.forName(handler).getMethod("newFactory").invoke(null),
                        (Class<? extends ServerChannel>) Class.forName(serverChannel));
            }
            Object cause = availability.getMethod("unavailabilityCause").invoke(null);
            log(name, String.valueOf(cause));
        } catch (ReflectiveOperationException | LinkageError e) {
            log(name, e.toString());
        }
        return null;
    }

    private void log(String name, String cause) {
        if (name.equals(this.name().toLowerCase())) {
            log.warn("the {} transport asked for cannot run here ({}); falling back", name, cause);
        } else {
            log.debug("{} transport unavailable: {}", name, cause);
        }
    }
}
