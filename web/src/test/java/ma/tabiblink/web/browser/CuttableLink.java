package ma.tabiblink.web.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback TCP forwarder standing for the tablet's mobile link, that a test can cut and restore. Cut, it drops the
 * connections in progress (a reset, as when a mobile network loses its state) and accepts new ones without ever
 * answering them (the browser waits, as on a dead link whose bars still show); restored, it closes those and forwards
 * again. Bounded: at most {@link #MAX_CONNECTIONS} connections (two threads each), the rest refused.
 */
final class CuttableLink implements AutoCloseable {

    static final int MAX_CONNECTIONS = 64;
    private static final int BUFFER_BYTES = 16 * 1024;

    private final ServerSocket server;
    private final ExecutorService threads;
    private final Object lock = new Object();
    /** Both ends of every connection being forwarded. */
    private final Set<Socket> forwarding = ConcurrentHashMap.newKeySet();
    /** Connections accepted while cut, left unanswered. */
    private final Set<Socket> stalled = ConcurrentHashMap.newKeySet();
    /** Connections accepted and not yet forwarding (their upstream being opened). */
    private int opening;
    private volatile int targetPort = -1;
    private volatile boolean cut;
    /** Bytes per second the browser may send through the link (0: as fast as loopback). */
    private volatile int uploadBytesPerSecond;

    private CuttableLink() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "cuttable-link-" + server.getLocalPort());
            thread.setDaemon(true);
            return thread;
        });
        threads.execute(this::acceptConnections);
    }

    static CuttableLink open() {
        try {
            return new CuttableLink();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    void forwardTo(int port) {
        targetPort = port;
    }

    /** The link dies: connections in progress are reset, new ones hang unanswered. */
    void cut() {
        List<Socket> dropped;
        synchronized (lock) {
            cut = true;
            dropped = new ArrayList<>(forwarding);
            forwarding.clear();
        }
        dropped.forEach(CuttableLink::reset);
    }

    /**
     * A slow uplink, as on a weak 3G cell: what the browser sends goes through at most this many bytes a second
     * (0 lifts the limit). Answers from the server are not slowed.
     */
    void throttleUploads(int bytesPerSecond) {
        uploadBytesPerSecond = bytesPerSecond;
    }

    /** The link is back: the hanging connections are closed (the browser tries again), new ones are forwarded. */
    void restore() {
        List<Socket> released;
        synchronized (lock) {
            cut = false;
            released = new ArrayList<>(stalled);
            stalled.clear();
        }
        released.forEach(CuttableLink::closeQuietly);
    }

    private void acceptConnections() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            synchronized (lock) {
                if (forwarding.size() / 2 + stalled.size() + opening >= MAX_CONNECTIONS) {
                    closeQuietly(client);
                } else if (cut || targetPort < 0) {
                    stalled.add(client);
                } else {
                    opening++;
                    threads.execute(() -> forward(client));
                }
            }
        }
    }

    private void forward(Socket client) {
        Socket upstream;
        try {
            upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        } catch (IOException e) {
            synchronized (lock) {
                opening--;
            }
            closeQuietly(client);
            return;
        }
        synchronized (lock) {
            opening--;
            if (cut) {
                stalled.add(client);
                closeQuietly(upstream);
                return;
            }
            forwarding.add(client);
            forwarding.add(upstream);
        }
        threads.execute(() -> pump(upstream, client, false));
        pump(client, upstream, true);
    }

    /** Copies one direction until either side ends, then closes both; uploads at the throttled rate, if any. */
    private void pump(Socket from, Socket to, boolean upload) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[BUFFER_BYTES];
            int read;
            while ((read = in.read(buffer, 0, upload && uploadBytesPerSecond > 0 ? 2048 : BUFFER_BYTES)) >= 0) {
                int rate = upload ? uploadBytesPerSecond : 0;
                if (rate > 0) {
                    Thread.sleep(Math.max(1, 1000L * read / rate));
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        } catch (IOException ended) {
            // reset, closed by the other direction, or cut
        } finally {
            forwarding.remove(from);
            forwarding.remove(to);
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException alreadyClosed) {
            // closing it below is all that is left
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // the threads below end anyway
        }
        synchronized (lock) {
            forwarding.forEach(CuttableLink::closeQuietly);
            stalled.forEach(CuttableLink::closeQuietly);
            forwarding.clear();
            stalled.clear();
        }
        threads.shutdownNow();
    }
}
