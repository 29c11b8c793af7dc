package ma.tabiblink.signaling.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import ma.tabiblink.signaling.SignalingConfig;
import ma.tabiblink.signaling.auth.AuthenticationException;
import ma.tabiblink.signaling.auth.Authenticator;
import ma.tabiblink.signaling.auth.Credentials;
import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.auth.RefreshedToken;
import ma.tabiblink.signaling.auth.SessionEnd;
import ma.tabiblink.signaling.auth.SessionEndedException;
import ma.tabiblink.signaling.auth.TokenRefresher;
import ma.tabiblink.signaling.call.EstablishedCall;
import ma.tabiblink.signaling.cluster.ClusterState;
import ma.tabiblink.signaling.cluster.PresenceStatus;
import ma.tabiblink.signaling.event.EventDispatcher;
import ma.tabiblink.signaling.event.SignalingEvent;
import ma.tabiblink.signaling.event.SignalingObserver;
import ma.tabiblink.signaling.protocol.CloseCode;
import ma.tabiblink.signaling.protocol.ErrorCode;
import ma.tabiblink.signaling.protocol.Message;
import ma.tabiblink.signaling.protocol.MessageCodec;
import ma.tabiblink.signaling.session.ResumeToken;
import ma.tabiblink.signaling.session.Session;
import ma.tabiblink.signaling.session.SessionRegistry;
import ma.tabiblink.signaling.session.SessionResumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * The connections open on this node: how a connection's session is signed in, registered, parked when the connection
 * goes away, handed over when it is resumed elsewhere, or ended; and the node-wide acts on them (drain, halt, end a
 * user's sign-in).
 */
public final class NodeConnections {

    private static final Logger log = LoggerFactory.getLogger(NodeConnections.class);

    private final SignalingConfig config;
    private final Authenticator authenticator;
    private final TokenRefresher refresher;
    private final ClusterState cluster;
    private final SessionRegistry sessions;
    private final EstablishedCall calls;
    private final MessageCodec codec;
    private final EventDispatcher events;
    private final Clock clock;
    private final SessionResumer resumer;
    private volatile SignalingObserver observer = SignalingObserver.NONE;
    private final Map<String, Channel> channelsBySession = new ConcurrentHashMap<>();
    /** The session stage of each open connection, by channel. */
    private final Map<Channel, ChannelHandlerContext> open = new ConcurrentHashMap<>();
    private final ConnectionSweep sweep;
    private volatile boolean draining;
    private volatile boolean halted;
    /** Token refresh is failing (said once for the node, not once per connection and attempt). */
    private final AtomicBoolean refreshFailing = new AtomicBoolean();

    /** Where relay timings, coded errors and resumes are reported (monitoring). */
    public void observe(SignalingObserver newObserver) {
        this.observer = newObserver == null ? SignalingObserver.NONE : newObserver;
    }

    public NodeConnections(SignalingConfig config, Authenticator authenticator, TokenRefresher refresher,
                           ClusterState cluster, SessionRegistry sessions, EstablishedCall calls, MessageCodec codec,
                           EventDispatcher events, Clock clock) {
        this.config = config;
        this.authenticator = authenticator;
        this.refresher = refresher;
        this.cluster = cluster;
        this.sessions = sessions;
        this.calls = calls;
        this.codec = codec;
        this.events = events;
        this.clock = clock;
        this.resumer = new SessionResumer(cluster, sessions, codec, config.nodeId(), presenceTtlMs(), clock);
        this.sweep = new ConnectionSweep(open.values(), quietCheckMillis(), clock);
    }

    SignalingObserver observer() {
        return observer;
    }

    Instant now() {
        return clock.instant();
    }

    /** Who the credentials belong to; an expired token is refused as such. */
    Identity authenticate(Credentials credentials) throws AuthenticationException {
        Identity who = authenticator.authenticate(credentials);
        if (!who.expiresAt().isAfter(clock.instant())) {
            throw new AuthenticationException(AuthenticationException.Reason.EXPIRED, "the token has expired");
        }
        return who;
    }

    /**
     * Registers a new session here and in the cluster; answers the presence a specialist now shows (empty for other
     * roles). When the cluster refuses it (too many connections) or cannot be reached, the session is forgotten and
     * the failure thrown.
     */
    Optional<PresenceStatus> register(Session fresh) {
        sessions.add(fresh);
        try {
            return cluster.register(fresh.id(), fresh.identity(), config.nodeId(), fresh.secretHash(),
                    config.maxConnectionsPerUser(), presenceTtlMs());
        } catch (RuntimeException e) {
            sessions.remove(fresh);
            throw e;
        }
    }

    String encode(Message.Server message) {
        return codec.encode(message);
    }

    void reply(Session s, Message.Server message) {
        sessions.reply(s, message);
    }

    void replyUnnumbered(Session s, Message.Server message) {
        sessions.replyUnnumbered(s, message);
    }

    /** @param status as {@link SignalingEvent.PresenceChanged} spells it */
    void presenceChanged(String userId, String status) {
        events.emit(new SignalingEvent.PresenceChanged(clock.instant(), userId, status));
    }

    /** A new token for the identity, when its sign-in session still stands and it can be refreshed. */
    Optional<RefreshedToken> refresh(Identity who) throws SessionEndedException {
        return refresher.refresh(who);
    }

    ResumeToken checkResume(String resumeToken, Session current) {
        return resumer.check(resumeToken, current);
    }

    SessionResumer.Outcome resume(Session current, Session target, Channel ch, Message.SessionResume r,
                                  boolean mayWait, SessionResumer.Handover handover) {
        return resumer.resume(current, target, ch, r, mayWait, handover);
    }

    /**
     * How often a connection that has sent nothing is checked: it is pinged, and closed once quiet for the idle
     * timeout. Only reads are watched, because watching writes would cost a promise and a listener per message sent.
     */
    long quietCheckMillis() {
        return Math.min(config.heartbeatInterval().toMillis(), config.idleTimeout().toMillis());
    }

    /**
     * Starts watching the open connections for quiet ones and due token refreshes, on {@code on} (a thread with little
     * else to do).
     */
    public void startSweep(ScheduledExecutorService on) {
        sweep.start(on);
    }

    public void stopSweep() {
        sweep.stop();
    }

    /** @param session the session stage of the connection just opened */
    void opened(ChannelHandlerContext session) {
        open.put(session.channel(), session);
    }

    void closed(Channel ch) {
        open.remove(ch);
    }

    public int openConnections() {
        return open.size();
    }

    boolean draining() {
        return draining;
    }

    boolean halted() {
        return halted;
    }

    /** Simulates a crash: from now on nothing is cleaned up in Redis when connections close. */
    public void halt() {
        halted = true;
        draining = true;
    }

    /** Closes every connection without a close frame (after a drain, or on halt). */
    public void closeAll() {
        open.keySet().forEach(Channel::close);
    }

    void bind(Session s, Channel ch) {
        channelsBySession.put(s.id(), ch);
    }

    void unbind(Session s, Channel ch) {
        channelsBySession.remove(s.id(), ch);
    }

    long presenceTtlMs() {
        return config.nodeTimeout().toMillis();
    }

    /** Parks a session whose connection went away; its peers hear that it is reconnecting. */
    void park(Session s) {
        Instant deadline = clock.instant().plus(config.resumeWindow());
        long keyTtl = config.resumeWindow().plus(config.nodeTimeout()).toMillis();
        AtomicReference<List<ClusterState.CallPeer>> peers = new AtomicReference<>();
        s.detach(p -> peers.set(cluster.park(s.id(), config.nodeId(), deadline, keyTtl, p.seq(), p.outbox())));
        sessions.remove(s);
        if (peers.get() != null) {
            calls.peersReconnecting(peers.get());
        }
    }

    /**
     * The session ends now with its calls, whose peers hear {@code reason}: the client said goodbye (close code 1000,
     * {@code left}) or its sign-in session ended ({@code session-ended}).
     */
    void leave(Session s, String reason) {
        s.detach(p -> { });
        sessions.remove(s);
        ClusterState.Forgotten gone = cluster.drop(s.id());
        calls.endCallsOf(gone, reason);
    }

    /**
     * Ends the connections of a user's sign-in session ({@code signInSession}), or of every sign-in of the user when it
     * is null: each client is told why and closed with 4410, and its calls end.
     */
    public void endSessions(String userId, String signInSession, SessionEnd why) {
        eachHandler(s -> userId.equals(s.identity().userId())
                        && (signInSession == null || signInSession.equals(s.identity().signInSession())),
                (handler, ctx, s) -> handler.end(ctx, s, why));
    }

    /** Checks every connection's sign-in session now (this node may have missed news of a sign-out). */
    public void recheckSessions() {
        eachHandler(s -> true, (handler, ctx, s) -> handler.recheck(ctx, s));
    }

    private void eachHandler(Predicate<Session> which, HandlerAction action) {
        for (Session s : sessions.all()) {
            if (!which.test(s)) {
                continue;
            }
            Channel ch = channelsBySession.get(s.id());
            ChannelHandlerContext ctx = ch == null ? null : ch.pipeline().context("session");
            if (ctx != null && ctx.handler() instanceof SessionHandler handler) {
                ctx.executor().execute(() -> action.run(handler, ctx, s));
            }
        }
    }

    @FunctionalInterface
    private interface HandlerAction {
        void run(SessionHandler handler, ChannelHandlerContext ctx, Session s);
    }

    void refreshFailed(RuntimeException e) {
        if (refreshFailing.compareAndSet(false, true)) {
            log.warn("access-token refresh is failing ({}); connections retry until their tokens expire", e.toString());
        }
    }

    void refreshWorks() {
        if (refreshFailing.get() && refreshFailing.compareAndSet(true, false)) {
            log.info("access-token refresh works again");
        }
    }

    /** Another node asks for a session a client is resuming there. */
    public void kickFromOtherNode(String sessionId) {
        Session s = sessions.local(sessionId);
        Channel ch = channelsBySession.get(sessionId);
        if (s != null && ch != null) {
            ch.pipeline().context("session").executor().execute(() -> kick(sessionId));
        } else if (s != null) {
            kick(sessionId);
        }
    }

    /** Another connection resumes this session: park it here and close the old connection with 4409. */
    void kick(String sessionId) {
        Session s = sessions.local(sessionId);
        if (s == null) {
            return;
        }
        Channel ch = channelsBySession.get(sessionId);
        park(s);
        if (ch != null) {
            Connections.closeWith(ch, CloseCode.SESSION_REPLACED);
        }
    }

    void publishKick(String nodeId, String sessionId) {
        cluster.kick(nodeId, sessionId);
    }

    /** Sends one error outside of any session (seq 1) and closes with the given code. */
    void refuse(Channel ch, ErrorCode code, String message, CloseCode close) {
        String json = MessageCodec.withSeq(codec.encode(new Message.Error(null, code.name(), message)), 1);
        ch.writeAndFlush(new TextWebSocketFrame(json));
        Connections.closeWith(ch, close);
    }

    /** Starts draining: every session is told, then closed with 4503 so that its client resumes elsewhere. */
    public void drain() {
        draining = true;
        String json = codec.encode(new Message.ServerDraining());
        for (Session s : sessions.all()) {
            s.send(json);
            Channel ch = channelsBySession.get(s.id());
            s.suspend();
            if (ch != null) {
                Connections.closeWith(ch, CloseCode.SERVER_DRAINING);
            }
        }
        for (Channel ch : open.keySet()) {
            if (ch.isActive() && !channelsBySession.containsValue(ch)) {
                Connections.closeWith(ch, CloseCode.SERVER_DRAINING);
            }
        }
    }
}
