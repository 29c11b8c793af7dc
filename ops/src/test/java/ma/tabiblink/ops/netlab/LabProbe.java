package ma.tabiblink.ops.netlab;

import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Runs inside the lab (started with {@code ip netns exec}) and measures the link from the dispensary's side against
 * servers the test runs on the host. Prints one line of {@code key=value} pairs.
 *
 * <pre>
 *   tcp-connect host port count         median connect time in ms, and how many connected
 *   udp-echo host port count interval   datagrams echoed, median round trip in ms
 *   tcp-read host port seconds          kbit/s read from a server that sends without pause
 * </pre>
 */
public final class LabProbe {

    private LabProbe() {
    }

    public static void main(String[] args) throws Exception {
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        switch (args[0]) {
            case "tcp-connect" -> tcpConnect(host, port, Integer.parseInt(args[3]));
            case "udp-echo" -> udpEcho(host, port, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "tcp-read" -> tcpRead(host, port, Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void tcpConnect(String host, int port, int count) throws Exception {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 3000);
                times.add((System.nanoTime() - start) / 1e6);
            } catch (java.io.IOException e) {
                // counted as not connected
            }
        }
        System.out.println("connected=" + times.size() + " medianMs=" + median(times));
    }

    private static void udpEcho(String host, int port, int count, int intervalMillis) throws Exception {
        List<Double> times = new ArrayList<>();
        long[] sentAt = new long[count];
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(new InetSocketAddress(host, port));
            Thread receiver = new Thread(() -> {
                byte[] buffer = new byte[64];
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.setSoTimeout(2000);
                    while (true) {
                        socket.receive(packet);
                        int n = ByteBuffer.wrap(buffer).getInt();
                        synchronized (times) {
                            times.add((System.nanoTime() - sentAt[n]) / 1e6);
                        }
                    }
                } catch (SocketTimeoutException e) {
                    // all in
                } catch (java.io.IOException e) {
                    // socket closed
                }
            });
            receiver.start();
            for (int i = 0; i < count; i++) {
                byte[] payload = ByteBuffer.allocate(64).putInt(i).array();
                sentAt[i] = System.nanoTime();
                socket.send(new DatagramPacket(payload, payload.length));
                Thread.sleep(intervalMillis);
            }
            receiver.join();
        }
        System.out.println("echoed=" + times.size() + " medianMs=" + median(times));
    }

    private static void tcpRead(String host, int port, int seconds) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5000);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[16384];
            // The first second fills the queue and measures nothing but the bottleneck's buffer.
            long warmupEnd = System.nanoTime() + 1_000_000_000L;
            while (System.nanoTime() < warmupEnd && in.read(buffer) >= 0) {
                // discard
            }
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            long bytes = 0;
            int n;
            while (System.nanoTime() < end && (n = in.read(buffer)) >= 0) {
                bytes += n;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.println("kbps=" + Math.round(bytes * 8 / 1000.0 / elapsed));
        }
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
