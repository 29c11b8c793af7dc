package ma.tabiblink.signaling;

import io.netty.handler.ssl.SslContext;
import ma.tabiblink.signaling.cluster.StateCipher;
import ma.tabiblink.signaling.transport.NetworkTransport;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.crypto.SecretKey;

/**
 * Every limit, timeout and address of a signalling node. {@link #defaults()} gives a node bound to
 * {@code 127.0.0.1:8081/signal}; change single values with {@link #toBuilder()}.
 *
 * @param nodeId                   unique per running node; names its Redis channel and heartbeat
 * @param allowedOrigins           values accepted in the Origin header (a connection without Origin is accepted,
 *                                 as non-browser clients send none); empty means any origin
 * @param tls                      when present the node speaks {@code wss://}
 * @param maxFrameBytes            largest inbound WebSocket message; larger ones close the connection with 1009
 * @param maxMessagesPerSecond     sustained inbound message rate per connection
 * @param messageBurst             inbound messages allowed at once above the sustained rate
 * @param maxConnectionsPerUser    open or resumable sessions per user, across all nodes
 * @param maxPendingCallsPerNurse  urgent calls a nurse may have queued or ringing at once
 * @param outboundLowWaterMark     bytes queued for a client under which it counts as keeping up again
 * @param outboundHighWaterMark    bytes queued for a client above which it counts as slow
 * @param slowConsumerGrace        how long a client may stay above the high water mark before it is closed
 * @param replayBufferMessages     server messages kept per session for resume
 * @param replayBufferBytes        bytes of JSON (plus 12 per message) kept per session for resume, whichever bound is hit first
 * @param heartbeatInterval        how often the server pings an otherwise quiet connection
 * @param idleTimeout              no inbound frame for this long closes the connection with 4408
 * @param resumeWindow             how long a dropped session and its calls wait for the client to come back
 * @param ringTimeout              how long a specialist is rung before the next one is tried
 * @param tokenRefreshLead         how long before a token expires the server pushes a fresh one
 * @param sweepInterval            period of the cluster housekeeping (ring timeouts, expired sessions, dead nodes)
 * @param nodeTimeout              a node whose heartbeat is older than this is dead; also the presence lifetime
 * @param typicalCallDuration      starting point of the per-specialty wait estimate before calls were measured
 * @param appointmentJoinEarly     how long before its start a booked consultation may be joined
 * @param maxCallDuration          end assumed for Jitsi tokens of urgent calls
 * @param workerThreads            threads running session logic (they may wait on Redis)
 * @param redisPrefix              prefix of every Redis key and channel of this module
 * @param transport                the sockets the node runs on ({@link NetworkTransport#AUTO}: epoll, else NIO)
 * @param stateKey                 AES-256 key sealing what the nodes keep in Redis that must not be readable there
 *                                 (chief complaints, stored and cross-node messages); the same on every node of a
 *                                 cluster. {@link #defaults()} draws a random one, fine for a single node only
 */
public record SignalingConfig(
        String nodeId,
        String bindHost,
        int port,
        String path,
        Set<String> allowedOrigins,
        Optional<SslContext> tls,
        int maxFrameBytes,
        double maxMessagesPerSecond,
        int messageBurst,
        int maxConnectionsPerUser,
        int maxPendingCallsPerNurse,
        int outboundLowWaterMark,
        int outboundHighWaterMark,
        Duration slowConsumerGrace,
        int replayBufferMessages,
        int replayBufferBytes,
        Duration heartbeatInterval,
        Duration idleTimeout,
        Duration resumeWindow,
        Duration ringTimeout,
        Duration tokenRefreshLead,
        Duration sweepInterval,
        Duration nodeTimeout,
        Duration typicalCallDuration,
        Duration appointmentJoinEarly,
        Duration maxCallDuration,
        int workerThreads,
        String redisPrefix,
        NetworkTransport transport,
        SecretKey stateKey) {

    public static final String DEFAULT_BIND_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8081;
    public static final String DEFAULT_PATH = "/signal";
    public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;
    public static final double DEFAULT_MESSAGES_PER_SECOND = 50;
    public static final int DEFAULT_MESSAGE_BURST = 100;
    public static final int DEFAULT_CONNECTIONS_PER_USER = 4;
    public static final int DEFAULT_PENDING_CALLS_PER_NURSE = 2;
    public static final int DEFAULT_LOW_WATER_MARK = 128 * 1024;
    public static final int DEFAULT_HIGH_WATER_MARK = 512 * 1024;
    public static final Duration DEFAULT_SLOW_CONSUMER_GRACE = Duration.ofSeconds(10);
    public static final int DEFAULT_REPLAY_BUFFER = 512;
    public static final int DEFAULT_REPLAY_BUFFER_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_RESUME_WINDOW = Duration.ofSeconds(30);
    public static final Duration DEFAULT_RING_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_TOKEN_REFRESH_LEAD = Duration.ofMinutes(2);
    public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_TYPICAL_CALL = Duration.ofMinutes(10);
    public static final Duration DEFAULT_JOIN_EARLY = Duration.ofMinutes(15);
    public static final Duration DEFAULT_MAX_CALL = Duration.ofHours(2);
    public static final int DEFAULT_WORKER_THREADS = 16;
    public static final String DEFAULT_REDIS_PREFIX = "tl:sig:";

    public SignalingConfig {
        Objects.requireNonNull(nodeId, "nodeId");
        if (!nodeId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("nodeId must be 1-64 letters, digits, dots, dashes or underscores");
        }
        Objects.requireNonNull(bindHost, "bindHost");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535");
        }
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with /");
        }
        allowedOrigins = allowedOrigins == null ? Set.of() : Set.copyOf(allowedOrigins);
        tls = tls == null ? Optional.empty() : tls;
        positive("maxFrameBytes", maxFrameBytes);
        if (!(maxMessagesPerSecond > 0)) {
            throw new IllegalArgumentException("maxMessagesPerSecond must be positive");
        }
        positive("messageBurst", messageBurst);
        positive("maxConnectionsPerUser", maxConnectionsPerUser);
        positive("maxPendingCallsPerNurse", maxPendingCallsPerNurse);
        positive("outboundLowWaterMark", outboundLowWaterMark);
        if (outboundHighWaterMark <= outboundLowWaterMark) {
            throw new IllegalArgumentException("outboundHighWaterMark must exceed outboundLowWaterMark");
        }
        positive("replayBufferMessages", replayBufferMessages);
        positive("replayBufferBytes", replayBufferBytes);
        positive("workerThreads", workerThreads);
        for (Duration d : new Duration[] {slowConsumerGrace, heartbeatInterval, idleTimeout, resumeWindow, ringTimeout,
                tokenRefreshLead, sweepInterval, nodeTimeout, typicalCallDuration, appointmentJoinEarly,
                maxCallDuration}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("every duration of the signalling configuration must be positive");
            }
        }
        if (redisPrefix == null || redisPrefix.isBlank()) {
            throw new IllegalArgumentException("redisPrefix must not be blank");
        }
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(stateKey, "stateKey");
        if (stateKey.getEncoded() == null || stateKey.getEncoded().length != 32) {
            throw new IllegalArgumentException("stateKey must be a 256-bit key");
        }
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /** The embedded defaults: {@code 127.0.0.1:8081/signal}, any origin, a random node id. */
    public static SignalingConfig defaults() {
        return new SignalingConfig("node-" + UUID.randomUUID().toString().substring(0, 8), DEFAULT_BIND_HOST,
                DEFAULT_PORT, DEFAULT_PATH, Set.of(), Optional.empty(), DEFAULT_MAX_FRAME_BYTES,
                DEFAULT_MESSAGES_PER_SECOND, DEFAULT_MESSAGE_BURST, DEFAULT_CONNECTIONS_PER_USER,
                DEFAULT_PENDING_CALLS_PER_NURSE, DEFAULT_LOW_WATER_MARK, DEFAULT_HIGH_WATER_MARK,
                DEFAULT_SLOW_CONSUMER_GRACE, DEFAULT_REPLAY_BUFFER, DEFAULT_REPLAY_BUFFER_BYTES, DEFAULT_HEARTBEAT, DEFAULT_IDLE_TIMEOUT,
                DEFAULT_RESUME_WINDOW, DEFAULT_RING_TIMEOUT, DEFAULT_TOKEN_REFRESH_LEAD, DEFAULT_SWEEP_INTERVAL,
                DEFAULT_NODE_TIMEOUT, DEFAULT_TYPICAL_CALL, DEFAULT_JOIN_EARLY, DEFAULT_MAX_CALL,
                DEFAULT_WORKER_THREADS, DEFAULT_REDIS_PREFIX, NetworkTransport.AUTO, StateCipher.generateKey());
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes some values of a configuration; {@link #build()} validates the result. */
    public static final class Builder {
        private String nodeId;
        private String bindHost;
        private int port;
        private String path;
        private Set<String> allowedOrigins;
        private Optional<SslContext> tls;
        private int maxFrameBytes;
        private double maxMessagesPerSecond;
        private int messageBurst;
        private int maxConnectionsPerUser;
        private int maxPendingCallsPerNurse;
        private int outboundLowWaterMark;
        private int outboundHighWaterMark;
        private Duration slowConsumerGrace;
        private int replayBufferMessages;
        private int replayBufferBytes;
        private Duration heartbeatInterval;
        private Duration idleTimeout;
        private Duration resumeWindow;
        private Duration ringTimeout;
        private Duration tokenRefreshLead;
        private Duration sweepInterval;
        private Duration nodeTimeout;
        private Duration typicalCallDuration;
        private Duration appointmentJoinEarly;
        private Duration maxCallDuration;
        private int workerThreads;
        private String redisPrefix;
        private NetworkTransport transport;
        private SecretKey stateKey;

        private Builder(SignalingConfig c) {
            nodeId = c.nodeId;
            bindHost = c.bindHost;
            port = c.port;
            path = c.path;
            allowedOrigins = c.allowedOrigins;
            tls = c.tls;
            maxFrameBytes = c.maxFrameBytes;
            maxMessagesPerSecond = c.maxMessagesPerSecond;
            messageBurst = c.messageBurst;
            maxConnectionsPerUser = c.maxConnectionsPerUser;
            maxPendingCallsPerNurse = c.maxPendingCallsPerNurse;
            outboundLowWaterMark = c.outboundLowWaterMark;
            outboundHighWaterMark = c.outboundHighWaterMark;
            slowConsumerGrace = c.slowConsumerGrace;
            replayBufferMessages = c.replayBufferMessages;
            replayBufferBytes = c.replayBufferBytes;
            heartbeatInterval = c.heartbeatInterval;
            idleTimeout = c.idleTimeout;
            resumeWindow = c.resumeWindow;
            ringTimeout = c.ringTimeout;
            tokenRefreshLead = c.tokenRefreshLead;
            sweepInterval = c.sweepInterval;
            nodeTimeout = c.nodeTimeout;
            typicalCallDuration = c.typicalCallDuration;
            appointmentJoinEarly = c.appointmentJoinEarly;
            maxCallDuration = c.maxCallDuration;
            workerThreads = c.workerThreads;
            redisPrefix = c.redisPrefix;
            transport = c.transport;
            stateKey = c.stateKey;
        }

        public Builder nodeId(String v) { nodeId = v; return this; }
        public Builder bindHost(String v) { bindHost = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder path(String v) { path = v; return this; }
        public Builder allowedOrigins(Set<String> v) { allowedOrigins = v; return this; }
        public Builder tls(SslContext v) { tls = Optional.ofNullable(v); return this; }
        public Builder maxFrameBytes(int v) { maxFrameBytes = v; return this; }
        public Builder maxMessagesPerSecond(double v) { maxMessagesPerSecond = v; return this; }
        public Builder messageBurst(int v) { messageBurst = v; return this; }
        public Builder maxConnectionsPerUser(int v) { maxConnectionsPerUser = v; return this; }
        public Builder maxPendingCallsPerNurse(int v) { maxPendingCallsPerNurse = v; return this; }
        public Builder outboundWaterMarks(int low, int high) {
            outboundLowWaterMark = low;
            outboundHighWaterMark = high;
            return this;
        }
        public Builder slowConsumerGrace(Duration v) { slowConsumerGrace = v; return this; }
        public Builder replayBufferMessages(int v) { replayBufferMessages = v; return this; }
        public Builder replayBufferBytes(int v) { replayBufferBytes = v; return this; }
        public Builder heartbeatInterval(Duration v) { heartbeatInterval = v; return this; }
        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
        public Builder resumeWindow(Duration v) { resumeWindow = v; return this; }
        public Builder ringTimeout(Duration v) { ringTimeout = v; return this; }
        public Builder tokenRefreshLead(Duration v) { tokenRefreshLead = v; return this; }
        public Builder sweepInterval(Duration v) { sweepInterval = v; return this; }
        public Builder nodeTimeout(Duration v) { nodeTimeout = v; return this; }
        public Builder typicalCallDuration(Duration v) { typicalCallDuration = v; return this; }
        public Builder appointmentJoinEarly(Duration v) { appointmentJoinEarly = v; return this; }
        public Builder maxCallDuration(Duration v) { maxCallDuration = v; return this; }
        public Builder workerThreads(int v) { workerThreads = v; return this; }
        public Builder redisPrefix(String v) { redisPrefix = v; return this; }
        public Builder transport(NetworkTransport v) { transport = v; return this; }
        public Builder stateKey(SecretKey v) { stateKey = v; return this; }

        public SignalingConfig build() {
            return new SignalingConfig(nodeId, bindHost, port, path, allowedOrigins, tls, maxFrameBytes,
                    maxMessagesPerSecond, messageBurst, maxConnectionsPerUser, maxPendingCallsPerNurse,
                    outboundLowWaterMark, outboundHighWaterMark, slowConsumerGrace, replayBufferMessages,
                    replayBufferBytes, heartbeatInterval, idleTimeout, resumeWindow, ringTimeout, tokenRefreshLead, sweepInterval,
                    nodeTimeout, typicalCallDuration, appointmentJoinEarly, maxCallDuration, workerThreads,
                    redisPrefix, transport, stateKey);
        }
    }
}
