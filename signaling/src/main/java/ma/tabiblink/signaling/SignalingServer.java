package ma.tabiblink.signaling;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.NettyRuntime;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import ma.tabiblink.signaling.appointment.AppointmentDirectory;
import ma.tabiblink.signaling.auth.Authenticator;
import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.auth.Role;
import ma.tabiblink.signaling.auth.SessionEnd;
import ma.tabiblink.signaling.auth.TokenRefresher;
import ma.tabiblink.signaling.call.Calls;
import ma.tabiblink.signaling.call.GuestLinks;
import ma.tabiblink.signaling.cluster.ClusterBoard;
import ma.tabiblink.signaling.cluster.ClusterState;
import ma.tabiblink.signaling.cluster.NodeBus;
import ma.tabiblink.signaling.cluster.Presence;
import ma.tabiblink.signaling.cluster.PresenceStatus;
import ma.tabiblink.signaling.cluster.RedisKeys;
import ma.tabiblink.signaling.cluster.StateCipher;
import ma.tabiblink.signaling.event.CallEventListener;
import ma.tabiblink.signaling.event.SignalingEvent;
import ma.tabiblink.signaling.event.SignalingObserver;
import ma.tabiblink.signaling.event.EventDispatcher;
import ma.tabiblink.signaling.patient.PatientAccess;
import ma.tabiblink.signaling.protocol.Message;
import ma.tabiblink.signaling.protocol.MessageCodec;
import ma.tabiblink.signaling.session.Session;
import ma.tabiblink.signaling.session.SessionRegistry;
import ma.tabiblink.signaling.transport.NetworkTransport;
import ma.tabiblink.signaling.transport.NodeConnections;
import ma.tabiblink.signaling.transport.SignalingChannelInitializer;
import ma.tabiblink.signaling.video.VideoBroker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A signalling node: the WebSocket server of docs/protocol.md. Several nodes may share one Redis; each is a plain
 * object with {@link #start()} and {@link #stop(Duration)}, embedded in the web application or run on its own.
 */
public final class SignalingServer {

    private static final Logger log = LoggerFactory.getLogger(SignalingServer.class);
    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration SHUTDOWN_QUIET = Duration.ofMillis(50);
    private static final Duration HOUSEKEEPING_STOP = Duration.ofSeconds(5);

    private final SignalingConfig config;
    private final UnifiedJedis redis;
    private final Clock clock;
    private final ClusterState cluster;
    private final SessionRegistry sessions;
    private final Calls calls;
    private final NodeConnections connections;
    private final EventDispatcher events;
    private final MessageCodec codec = new MessageCodec();
    private final NodeBus bus;
    private final View view = new View();

    private volatile String transportName;
    private EventLoopGroup acceptors;
    private EventLoopGroup workers;
    private EventExecutorGroup sessionExecutors;
    private ScheduledExecutorService housekeeping;
    /** Since when the heartbeat has reached Redis without a break; {@code null} while it fails. */
    private volatile Instant beatingSince;
    private Channel serverChannel;

    /** A node that measures time with the system clock. */
    public SignalingServer(SignalingConfig config, Authenticator authenticator, TokenRefresher tokenRefresher,
                           AppointmentDirectory appointments, PatientAccess patients, CallEventListener listener,
                           VideoBroker video, UnifiedJedis redis) {
        this(config, authenticator, tokenRefresher, appointments, patients, listener, video, redis, Clock.systemUTC());
    }

    /**
     * @param clock what ring timeouts, resume windows, node liveness and event times are measured with; every node
     *              sharing a Redis must agree on it (Redis's own key lifetimes run on Redis's clock regardless)
     */
    public SignalingServer(SignalingConfig config, Authenticator authenticator, TokenRefresher tokenRefresher,
                           AppointmentDirectory appointments, PatientAccess patients, CallEventListener listener,
                           VideoBroker video, UnifiedJedis redis, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.redis = Objects.requireNonNull(redis, "redis");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cluster = new ClusterState(redis, new RedisKeys(config.redisPrefix()), new StateCipher(config.stateKey()));
        this.events = new EventDispatcher(Objects.requireNonNull(listener, "listener"));
        this.sessions = new SessionRegistry(cluster, codec, config.nodeId(), config.replayBufferMessages());
        this.calls = Calls.of(config, cluster, sessions, Objects.requireNonNull(video, "video"),
                Objects.requireNonNull(appointments, "appointments"), Objects.requireNonNull(patients, "patients"),
                events, clock);
        this.connections = new NodeConnections(config, Objects.requireNonNull(authenticator, "authenticator"),
                Objects.requireNonNull(tokenRefresher, "tokenRefresher"), cluster, sessions, calls.established(),
                codec, events, clock);
        this.bus = new NodeBus(redis, cluster.keys().nodeChannel(config.nodeId()), this::fromOtherNode,
                connections::kickFromOtherNode, this::deliverStored);
    }

    /**
     * This node hears its channel again (after a Redis failover or outage): what other nodes could not publish to it
     * meanwhile, and stored for its sessions instead, is delivered now, in order.
     */
    private void deliverStored() {
        for (String sessionId : sessions.localSessionIds()) {
            try {
                cluster.takeStored(sessionId, config.nodeId()).forEach(sealed -> fromOtherNode(sessionId, sealed));
            } catch (JedisException e) {
                log.warn("could not deliver the messages stored for this node's sessions: {}", e.toString());
                return;
            }
        }
    }

    private void fromOtherNode(String sessionId, String sealed) {
        String json = cluster.openDelivered(sessionId, sealed);
        if (json == null) {
            return;
        }
        codec.endedCallId(json).ifPresent(calls.established()::forget);
        sessions.fromBus(sessionId, json);
    }

    /**
     * Binds the port, joins the cluster and starts the housekeeping; returns once connections are accepted.
     *
     * @throws IllegalStateException when the address cannot be bound (everything started is released again)
     */
    public synchronized void start() throws InterruptedException {
        if (serverChannel != null) {
            throw new IllegalStateException("already started");
        }
        bus.start(SUBSCRIBE_TIMEOUT);
        calls.established().peersReconnecting(cluster.reapLeftovers(config.nodeId(), clock.instant().plus(config.resumeWindow()),
                config.resumeWindow().plus(config.nodeTimeout()).toMillis()));
        heartbeat(clock.instant());
        beatingSince = clock.instant().minus(config.nodeTimeout());
        NetworkTransport.Choice transport = config.transport().choose();
        transportName = transport.name();
        acceptors = new MultiThreadIoEventLoopGroup(1, transport.io());
        // one network thread per core: they never block, and the two members of a call on threads sharing a core
        // would pay a thread switch for every message relayed between them
        workers = new MultiThreadIoEventLoopGroup(NettyRuntime.availableProcessors(), transport.io());
        sessionExecutors = new DefaultEventExecutorGroup(config.workerThreads());
        housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "signaling-housekeeping");
            t.setDaemon(true);
            return t;
        });
        try {
            serverChannel = bind(transport.serverChannel());
        } catch (Exception e) {
            serverChannel = null;
            releaseResources();
            cluster.leave(config.nodeId());
            if (e instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw new IllegalStateException("cannot listen on " + config.bindHost() + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
        // the acceptor's thread only accepts: the sweep's walk over every connection delays nobody's messages
        connections.startSweep(acceptors.next());
        long period = config.sweepInterval().toMillis();
        housekeeping.scheduleWithFixedDelay(this::housekeeping, period, period, TimeUnit.MILLISECONDS);
        log.info("signalling node {} listening on {}:{}{} ({})", config.nodeId(), config.bindHost(), boundPort(),
                config.path(), transport.name());
    }

    private Channel bind(Class<? extends ServerChannel> channelClass) throws InterruptedException {
        return new ServerBootstrap()
                .group(acceptors, workers)
                .channel(channelClass)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // the session stage is the only one on an executor group: without this, each connection's pipeline
                // keeps a map from group to chosen executor (an IdentityHashMap and its table, about 120 bytes)
                .childOption(ChannelOption.SINGLE_EVENTEXECUTOR_PER_GROUP, false)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(config.outboundLowWaterMark(), config.outboundHighWaterMark()))
                .childHandler(new SignalingChannelInitializer(config, connections, calls, codec, sessionExecutors))
                .bind(config.bindHost(), config.port()).sync().channel();
    }

    /** The port actually bound (useful when the configuration asks for port 0). */
    /** The guests' single-use Jitsi links issued by any node, opened through the web application. */
    public GuestLinks guestLinks() {
        return calls.video().guestLinks();
    }

    /** The sockets the node runs on: io_uring, epoll or nio (null before it starts). */
    public String transportName() {
        return transportName;
    }

    public int boundPort() {
        Channel ch = serverChannel;
        if (ch == null) {
            throw new IllegalStateException("not started");
        }
        return ((InetSocketAddress) ch.localAddress()).getPort();
    }

    /**
     * Tells every client {@code server.draining}, closes their connections with 4503 (their sessions stay resumable
     * on other nodes for the resume window) and stops, waiting at most {@code drain} for the connections to close.
     */
    public synchronized void stop(Duration drain) {
        if (serverChannel == null) {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        connections.drain();
        awaitClosed(drain);
        shutdown();
        cluster.leave(config.nodeId());
        log.info("signalling node {} stopped", config.nodeId());
    }

    /** Stops abruptly as if the process had died: nothing is cleaned up in Redis. */
    void halt() {
        connections.halt();
        stopHousekeeping();
        bus.stop();
        serverChannel.close().syncUninterruptibly();
        connections.closeAll();
        awaitClosed(Duration.ofSeconds(2));
        shutdown();
    }

    /** Waits in real time, whatever the injected clock says: connections close at the network's pace. */
    private void awaitClosed(Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        while (connections.openConnections() > 0 && System.nanoTime() - until < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        connections.closeAll();
    }

    private void shutdown() {
        releaseResources();
        serverChannel = null;
    }

    /**
     * Lets a running sweep finish rather than interrupting it: a thread interrupted in the middle of a Redis command
     * could hand its connection back to the pool with the reply still unread.
     */
    private void stopHousekeeping() {
        housekeeping.shutdown();
        try {
            if (!housekeeping.awaitTermination(HOUSEKEEPING_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("signalling housekeeping did not finish within {}", HOUSEKEEPING_STOP);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void releaseResources() {
        connections.stopSweep();
        stopHousekeeping();
        bus.stop();
        long quiet = SHUTDOWN_QUIET.toMillis();
        // network threads and session threads hand work to each other while channels close: stop them together
        var a = acceptors.shutdownGracefully(quiet, quiet * 20, TimeUnit.MILLISECONDS);
        var w = workers.shutdownGracefully(quiet, quiet * 20, TimeUnit.MILLISECONDS);
        var s = sessionExecutors.shutdownGracefully(quiet, quiet * 20, TimeUnit.MILLISECONDS);
        a.syncUninterruptibly();
        w.syncUninterruptibly();
        s.syncUninterruptibly();
        events.close(Duration.ofSeconds(1));
    }

    /** Heartbeat, ring timeouts, expired resume windows and dead nodes; any node may do any of it. */
    private void housekeeping() {
        Instant now = clock.instant();
        List<ClusterState.Reasserted> putBack;
        try {
            putBack = heartbeat(now);
        } catch (RuntimeException e) {
            if (beatingSince != null) {
                log.warn("signalling node {} cannot reach Redis: {}", config.nodeId(), e.toString());
            }
            beatingSince = null;
            return;
        }
        if (beatingSince == null) {
            beatingSince = now;
            log.info("signalling node {} reaches Redis again", config.nodeId());
        }
        try {
            for (ClusterState.Reasserted back : putBack) {
                log.info("presence of {} put back as {}", back.specialist().userId(), back.status());
                events.emit(new SignalingEvent.PresenceChanged(now, back.specialist().userId(),
                        back.status().value()));
                if (back.status() == PresenceStatus.AVAILABLE) {
                    back.specialist().specialties().forEach(calls.routing()::dispatch);
                }
            }
            calls.routing().ringTimeouts();
            for (ClusterState.Forgotten gone : cluster.expireParked(now)) {
                calls.established().endCallsOf(gone, "peer-lost");
            }
            // after an outage every node's heartbeat is old: give the others a node timeout to beat again before
            // declaring any of them dead
            if (!beatingSince.isAfter(now.minus(config.nodeTimeout()))) {
                calls.established().peersReconnecting(cluster.reapDeadNodes(now.minus(config.nodeTimeout()),
                        now.plus(config.resumeWindow()), config.resumeWindow().plus(config.nodeTimeout()).toMillis()));
            }
        } catch (RuntimeException e) {
            log.warn("signalling housekeeping failed: {}", e.toString());
        }
    }

    /** Renews this node's heartbeat and its specialists' presence; returns the presences Redis had lost. */
    private List<ClusterState.Reasserted> heartbeat(Instant now) {
        List<Identity> specialists = sessions.all().stream().map(Session::identity)
                .filter(who -> who.role() == Role.SPECIALIST).toList();
        return cluster.heartbeat(config.nodeId(), now, config.nodeTimeout().toMillis(), specialists,
                config.resumeWindow().plus(config.nodeTimeout()));
    }

    /**
     * Ends, on this node, the connections of a user's sign-in session ({@code signInSession}), or of all the user's
     * sign-ins when it is null: each client gets a coded error and close 4410, and its calls end. Every node must be
     * told (the web application relays sign-outs and account changes to each node over Redis).
     */
    public void endSessions(String userId, String signInSession, SessionEnd why) {
        connections.endSessions(Objects.requireNonNull(userId, "userId"), signInSession, Objects.requireNonNull(why));
    }

    /**
     * Tells every connection of {@code userId}, on whichever node, that a tele-expertise case changed; a user with no
     * open connection learns it at the next sync of their cases.
     */
    public void caseChanged(String userId, String caseId, String status) {
        sessions.sendToUser(Objects.requireNonNull(userId, "userId"), new Message.CaseUpdate(caseId, status));
    }

    /** Checks at once the sign-in session of every connection on this node, through the token refresher. */
    public void recheckSessions() {
        connections.recheckSessions();
    }

    /** Reports relay timings, coded errors and resumes to {@code observer} (for metrics); call before or after start. */
    public void observe(SignalingObserver observer) {
        connections.observe(observer);
    }

    public SignalingView view() {
        return view;
    }

    private final class View implements SignalingView {

        @Override
        public int localConnections() {
            return connections.openConnections();
        }

        @Override
        public List<SpecialistPresence> specialists() {
            List<SpecialistPresence> out = new ArrayList<>();
            for (Presence p : cluster.board().connectedSpecialists()) {
                PresenceStatus shown = p.shown();
                out.add(new SpecialistPresence(p.userId(), p.name() == null ? p.userId() : p.name(), p.specialties(),
                        shown == null ? null : shown.value(), p.callId()));
            }
            return out;
        }

        @Override
        public List<QueueStatus> queues() {
            List<QueueStatus> out = new ArrayList<>();
            Instant now = clock.instant();
            for (ClusterBoard.WaitingCalls q : cluster.board().queues()) {
                Duration longest = q.oldestRequest() == null ? Duration.ZERO
                        : Duration.between(q.oldestRequest(), now);
                out.add(new QueueStatus(q.specialty(), q.length(),
                        longest.isNegative() ? Duration.ZERO : longest));
            }
            return out;
        }

        @Override
        public int callsInProgress() {
            return cluster.board().callsInProgress();
        }
    }
}
