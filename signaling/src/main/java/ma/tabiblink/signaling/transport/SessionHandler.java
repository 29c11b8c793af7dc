package ma.tabiblink.signaling.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.ScheduledFuture;
import ma.tabiblink.signaling.RandomIds;
import ma.tabiblink.signaling.SignalingConfig;
import ma.tabiblink.signaling.auth.AuthenticationException;
import ma.tabiblink.signaling.auth.Credentials;
import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.auth.RefreshedToken;
import ma.tabiblink.signaling.auth.Role;
import ma.tabiblink.signaling.auth.SessionEnd;
import ma.tabiblink.signaling.auth.SessionEndedException;
import ma.tabiblink.signaling.call.Calls;
import ma.tabiblink.signaling.cluster.CallState;
import ma.tabiblink.signaling.cluster.PresenceStatus;
import ma.tabiblink.signaling.protocol.CloseCode;
import ma.tabiblink.signaling.protocol.ErrorCode;
import ma.tabiblink.signaling.protocol.Message;
import ma.tabiblink.signaling.protocol.MessageCodec;
import ma.tabiblink.signaling.protocol.ProtocolException;
import ma.tabiblink.signaling.session.ResumeToken;
import ma.tabiblink.signaling.session.Session;
import ma.tabiblink.signaling.session.SessionResumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * One connection's session: authenticates it when the WebSocket handshake completes, answers its messages, and parks
 * its session when the connection goes away. Runs on a worker executor, never on a network thread, because it waits
 * on Redis; the relay messages that need no Redis are handled before, by {@link InlineRelay}.
 */
final class SessionHandler extends SimpleChannelInboundHandler<Object> {

    private static final Logger log = LoggerFactory.getLogger(SessionHandler.class);
    private static final int RESUME_ATTEMPTS = 40;
    private static final long RESUME_RETRY_MS = 50;
    /**
     * How long a relayed message waits for Redis to answer again, e.g. while Sentinel promotes a replica (about 3 s
     * after a primary dies with the failover test's settings, 6-7 s with production's), before the sender is told
     * TEMPORARILY_UNAVAILABLE. Browsers send ICE candidates without waiting for an answer: one lost here is gone.
     */
    private static final long RELAY_RETRY_BOUND_NANOS = TimeUnit.SECONDS.toNanos(15);
    private static final long RELAY_RETRY_MS = 250;
    private static final Duration MIN_REFRESH_DELAY = Duration.ofSeconds(1);
    /** Refresh attempts are at least this far apart, so a failing refresh is retried, never hammered. */
    private static final Duration REFRESH_RETRY = Duration.ofSeconds(30);
    /** {@link #refreshAtMillis} when no refresh is planned. */
    private static final long NO_REFRESH = Long.MAX_VALUE;
    /** {@link #refreshAtMillis} once the sweep has handed the planned refresh to this handler's thread. */
    private static final long REFRESH_HANDED_OVER = Long.MIN_VALUE;
    private static final AtomicLongFieldUpdater<SessionHandler> REFRESH_AT =
            AtomicLongFieldUpdater.newUpdater(SessionHandler.class, "refreshAtMillis");

    /**
     * What a specialist's presence is reported as when their session resumes outside any call (in one, it is
     * {@link PresenceStatus#BUSY}): it is not a status of its own, their status set before the drop still stands.
     */
    private static final String PRESENCE_BACK = "back";

    private final SignalingConfig config;
    private final NodeConnections node;
    private final Calls calls;
    private final InlineRelay inlineRelay;
    /** Knows when the connection last delivered anything. */
    private final ReadStampingWebSocketHandler webSocketStage;
    private Session session;
    private int clientCloseCode = -1;
    /**
     * When the next token refresh is due, in the node clock's epoch milliseconds; the node's {@link ConnectionSweep}
     * hands it to this handler's thread then. A number here instead of a timer on every connection.
     */
    private volatile long refreshAtMillis = NO_REFRESH;
    /** The node clock's epoch milliseconds at the last refresh attempt, 0 before the first. */
    private long lastRefreshAttemptMillis;
    /** False once the refresher said this identity cannot be refreshed: the connection ends when its token does. */
    private boolean refreshable = true;
    /** Why the user's sign-in session ended, once it has: the connection is closing and its session ends with it. */
    private SessionEnd ended;
    private ScheduledFuture<?> slowTask;
    /**
     * Non-null while a resume waits for the session's previous connection to let go: the connection's later messages
     * wait here, so that they are handled after the resume, in order.
     */
    private ArrayDeque<Object> heldBack;

    SessionHandler(SignalingConfig config, NodeConnections node, Calls calls, InlineRelay inlineRelay,
                   ReadStampingWebSocketHandler webSocketStage) {
        this.config = config;
        this.node = node;
        this.calls = calls;
        this.inlineRelay = inlineRelay;
        this.webSocketStage = webSocketStage;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        node.opened(ctx);
        super.channelActive(ctx);
    }

    // ------------------------------------------------------------------ quiet connections

    /** Asked by the node's {@link ConnectionSweep}, on its thread. */
    boolean dueForQuietCheck(long nowNanos, long periodNanos) {
        return webSocketStage.dueForQuietCheck(nowNanos, periodNanos);
    }

    /**
     * Nothing has been read for a check period or more: a connection with a session is pinged until it has been quiet
     * for the idle timeout, then told IDLE_TIMEOUT and closed; one without a session (handshake never completed, or
     * refused) is just closed then.
     */
    void quiet(ChannelHandlerContext ctx) {
        long quietMillis = webSocketStage.quietMillis();
        if (!ctx.channel().isActive() || quietMillis < node.quietCheckMillis()) {
            return; // closed, or something arrived since the sweep looked
        }
        if (quietMillis < config.idleTimeout().toMillis()) {
            if (session != null) {
                ctx.writeAndFlush(new PingWebSocketFrame());
            }
        } else if (session == null) {
            ctx.close();
        } else {
            sendError(ctx, null, ErrorCode.IDLE_TIMEOUT,
                    "nothing received for " + config.idleTimeout().toSeconds() + " s");
            closeSession(ctx, CloseCode.IDLE_TIMEOUT);
        }
    }

    // ------------------------------------------------------------------ connect

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hc) {
            onHandshake(ctx, hc.requestUri(), hc.requestHeaders());
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    private void onHandshake(ChannelHandlerContext ctx, String uri, HttpHeaders headers) {
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null && !config.allowedOrigins().isEmpty()
                && !config.allowedOrigins().contains(origin)) {
            node.refuse(ctx.channel(), ErrorCode.ORIGIN_FORBIDDEN, "connections from this origin are not allowed",
                    CloseCode.ORIGIN_FORBIDDEN);
            return;
        }
        if (node.draining()) {
            node.refuse(ctx.channel(), ErrorCode.SERVER_DRAINING, "this node is shutting down, use another",
                    CloseCode.SERVER_DRAINING);
            return;
        }
        Identity who;
        try {
            who = node.authenticate(credentials(uri, headers));
        } catch (AuthenticationException e) {
            ErrorCode code = switch (e.reason()) {
                case MISSING -> ErrorCode.AUTH_MISSING;
                case EXPIRED -> ErrorCode.AUTH_EXPIRED;
                case INVALID -> ErrorCode.AUTH_INVALID;
                case SESSION_ENDED -> ErrorCode.SESSION_ENDED;
            };
            node.refuse(ctx.channel(), code, e.getMessage() == null ? "authentication failed" : e.getMessage(),
                    code == ErrorCode.SESSION_ENDED ? CloseCode.SESSION_ENDED : CloseCode.AUTH_FAILED);
            return;
        } catch (RuntimeException e) {
            // the credentials could not be checked (shared state unreachable): nothing is wrong with them
            log.warn("authenticator failed: {}", e.toString());
            node.refuse(ctx.channel(), ErrorCode.INTERNAL_ERROR, "temporarily unable to check credentials",
                    CloseCode.SERVER_ERROR);
            return;
        }
        String sessionId = RandomIds.next("s-");
        ResumeToken.Issued resumeToken = ResumeToken.issue(sessionId);
        Session fresh = newSession(ctx, sessionId, resumeToken.secretHash(), who);
        Optional<PresenceStatus> status;
        try {
            status = node.register(fresh);
        } catch (ProtocolException e) {
            node.refuse(ctx.channel(), e.code(), e.getMessage(), CloseCode.TOO_MANY_CONNECTIONS);
            return;
        } catch (JedisException e) {
            log.warn("Redis failed while registering a connection: {}", e.toString());
            node.refuse(ctx.channel(), ErrorCode.INTERNAL_ERROR, "temporarily unable to accept connections",
                    CloseCode.SERVER_ERROR);
            return;
        }
        session = fresh;
        inlineRelay.session(fresh);
        fresh.attach(ctx.channel(), 0);
        node.bind(fresh, ctx.channel());
        fresh.sendFirst(node.encode(new Message.Welcome(fresh.id(), resumeToken.token(),
                config.resumeWindow().toSeconds(), config.heartbeatInterval().toSeconds(),
                new Message.UserInfo(who.userId(), who.displayName(), who.role().name(),
                        who.role() == Role.SPECIALIST ? who.specialties() : null, who.dispensaryId(),
                        who.province()))));
        if (who.role() == Role.SPECIALIST && status.isPresent()) {
            node.presenceChanged(who.userId(), status.get().value());
        }
        scheduleRefresh();
    }

    private Session newSession(ChannelHandlerContext ctx, String id, String secretHash, Identity who) {
        long hardLimit = 4L * config.outboundHighWaterMark();
        return new Session(id, secretHash, who, config.replayBufferMessages(),
                config.replayBufferBytes(), hardLimit,
                () -> ctx.executor().execute(() -> slowConsumer(ctx)));
    }

    /**
     * A bearer header, else a {@code ticket} parameter. An access token in the URL ({@code token}) is refused: proxies
     * and servers log URLs.
     */
    private static Credentials credentials(String uri, HttpHeaders headers) throws AuthenticationException {
        String auth = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && !auth.substring(7).isBlank()) {
            return new Credentials.Bearer(auth.substring(7).trim());
        }
        var query = new QueryStringDecoder(uri).parameters();
        List<String> ticket = query.get("ticket");
        if (ticket != null && !ticket.isEmpty() && !ticket.get(0).isBlank()) {
            return new Credentials.Ticket(ticket.get(0));
        }
        if (query.containsKey("token")) {
            throw new AuthenticationException(AuthenticationException.Reason.MISSING, "access tokens are not accepted "
                    + "in the URL: open the socket with a ticket (POST /api/v1/auth/ticket) or an Authorization header");
        }
        return Credentials.NONE;
    }

    // ------------------------------------------------------------------ messages

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (heldBack != null && !(msg instanceof CloseWebSocketFrame)) {
            heldBack.addLast(msg);
            return;
        }
        try {
            read(ctx, msg);
        } finally {
            inlineRelay.handled();
        }
    }

    /** Handles, in order, what arrived while a resume was waiting, until all is done or another resume waits. */
    private void readHeldBack(ChannelHandlerContext ctx, ArrayDeque<Object> held) {
        for (Object msg; heldBack == null && (msg = held.pollFirst()) != null; ) {
            try {
                read(ctx, msg);
            } finally {
                inlineRelay.handled();
            }
        }
        if (heldBack != null) {
            heldBack.addAll(held);
        }
    }

    private void read(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof CloseWebSocketFrame close) {
            if (Connections.closing(ctx.channel())) {
                ctx.close();
                return;
            }
            clientCloseCode = close.statusCode();
            ctx.writeAndFlush(new CloseWebSocketFrame(close.statusCode() < 0 ? 1000 : close.statusCode(), ""))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (session == null || ended != null) {
            return;
        }
        if (msg == ProtocolDecoder.RATE_LIMITED) {
            sendError(ctx, null, ErrorCode.RATE_LIMITED, "more than " + config.maxMessagesPerSecond()
                    + " messages per second");
            closeSession(ctx, CloseCode.RATE_LIMITED);
            return;
        }
        if (msg == ProtocolDecoder.TOO_LARGE) {
            sendError(ctx, null, ErrorCode.FRAME_TOO_LARGE,
                    "messages are limited to " + config.maxFrameBytes() + " bytes");
            closeSession(ctx, CloseCode.MESSAGE_TOO_BIG);
            return;
        }
        if (msg instanceof MessageCodec.Decoded d) {
            if (d.error() != null) {
                node.observer().errorSent(d.error().code());
                node.reply(session, d.error());
            } else {
                handle(ctx, d.message());
            }
        }
    }

    private void handle(ChannelHandlerContext ctx, Message.Client m) {
        answeringErrors(ctx, m, () -> dispatch(ctx, m));
    }

    private void dispatch(ChannelHandlerContext ctx, Message.Client m) {
        Session s = session;
        if (m instanceof Message.Ping p) {
            // a pong only tells this connection it is alive: numbered and kept, the pongs of an idle connection
            // would fill its replay buffer over the hours
            node.replyUnnumbered(s, new Message.Pong(p.id()));
        } else if (m instanceof Message.SessionResume r) {
            resume(ctx, r);
        } else if (m instanceof Message.Relayed r) {
            relay(ctx, r, System.nanoTime() + RELAY_RETRY_BOUND_NANOS);
        } else if (m instanceof Message.PresenceSet p) {
            calls.routing().setPresence(s, p);
        } else if (m instanceof Message.CallRequest r) {
            calls.routing().request(s, r);
        } else if (m instanceof Message.CallCancel c) {
            calls.routing().cancel(s, c);
        } else if (m instanceof Message.CallAccept a) {
            calls.routing().accept(s, a);
        } else if (m instanceof Message.CallDecline d) {
            calls.routing().decline(s, d);
        } else if (m instanceof Message.CallJoin j) {
            calls.routing().join(s, j);
        } else if (m instanceof Message.CallHangup h) {
            calls.established().hangup(s, h);
        } else if (m instanceof Message.CallJitsi j) {
            calls.video().jitsi(s, j);
        } else if (m instanceof Message.CallInvite i) {
            calls.video().invite(s, i);
        }
    }

    /** Runs what a message asks, answering it with a coded error if that fails. */
    private void answeringErrors(ChannelHandlerContext ctx, Message.Client m, Runnable work) {
        try {
            work.run();
        } catch (ProtocolException e) {
            sendError(ctx, m.id(), e.code(), e.getMessage());
        } catch (JedisException e) {
            log.warn("Redis failed while handling {}: {}", m.getClass().getSimpleName(), e.toString());
            sendError(ctx, m.id(), ErrorCode.TEMPORARILY_UNAVAILABLE,
                    "temporarily unable to handle this request; try again shortly");
        } catch (RuntimeException e) {
            log.warn("failed to handle {}", m.getClass().getSimpleName(), e);
            sendError(ctx, m.id(), ErrorCode.INTERNAL_ERROR, "the request could not be handled");
        }
    }

    private void sendError(ChannelHandlerContext ctx, String re, ErrorCode code, String message) {
        node.observer().errorSent(code.name());
        Message.Error error = new Message.Error(re, code.name(), message);
        if (session != null) {
            node.reply(session, error);
        } else {
            ctx.writeAndFlush(new TextWebSocketFrame(MessageCodec.withSeq(node.encode(error), 1)));
        }
    }

    // ------------------------------------------------------------------ resume

    private void resume(ChannelHandlerContext ctx, Message.SessionResume r) {
        ResumeToken token = node.checkResume(r.resumeToken(), session);
        node.kick(token.sessionId());
        attemptResume(ctx, r, token, 1);
    }

    /**
     * Moves the session onto this connection. While it is still live on another connection (being kicked, or on a
     * node that has just died), the claim is tried again a little later on a timer, not by sleeping: this worker
     * thread also serves other connections.
     */
    private void attemptResume(ChannelHandlerContext ctx, Message.SessionResume r, ResumeToken token, int attempt) {
        Session own = session;
        Identity who = own.identity();
        Session target = newSession(ctx, token.sessionId(), token.secretHash(), who);
        SessionResumer.Outcome outcome = node.resume(own, target, ctx.channel(), r,
                attempt < RESUME_ATTEMPTS, new SessionResumer.Handover() {
                    @Override
                    public void released(Session released) {
                        node.unbind(released, ctx.channel());
                    }

                    @Override
                    public List<Message.CallSummary> attached(Session resumed) {
                        node.bind(resumed, ctx.channel());
                        session = resumed;
                        inlineRelay.session(resumed);
                        return calls.established().resumed(resumed);
                    }
                });
        if (outcome instanceof SessionResumer.StillLive live) {
            if (live.node().equals(config.nodeId())) {
                node.kick(token.sessionId());
            } else {
                node.publishKick(live.node(), token.sessionId());
            }
            retryResume(ctx, r, token, attempt + 1);
            return;
        }
        List<Message.CallSummary> resumedCalls = ((SessionResumer.Resumed) outcome).calls();
        calls.established().announceBack(target, resumedCalls);
        node.observer().resumed();
        if (who.role() == Role.SPECIALIST) {
            boolean inCall = resumedCalls.stream().anyMatch(c -> CallState.ACTIVE.value().equals(c.state()));
            node.presenceChanged(who.userId(), inCall ? PresenceStatus.BUSY.value() : PRESENCE_BACK);
        }
        scheduleRefresh();
    }

    /**
     * Relays a message to the call's peer. When Redis fails, the message is tried again shortly and what the client
     * sends next is held back meanwhile, so that relayed messages keep their order; past the deadline the failure is
     * answered as any other.
     */
    private void relay(ChannelHandlerContext ctx, Message.Relayed r, long deadlineNanos) {
        long started = System.nanoTime();
        try {
            calls.established().relay(session, r);
            node.observer().relayed(System.nanoTime() - started);
        } catch (JedisException e) {
            if (started >= deadlineNanos) {
                throw e;
            }
            if (heldBack == null) {
                heldBack = new ArrayDeque<>();
            }
            ctx.executor().schedule(() -> {
                ArrayDeque<Object> held = heldBack;
                heldBack = null;
                if (!ctx.channel().isActive() || session == null || ended != null) {
                    return;
                }
                answeringErrors(ctx, r, () -> relay(ctx, r, deadlineNanos));
                readHeldBack(ctx, held);
            }, RELAY_RETRY_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void retryResume(ChannelHandlerContext ctx, Message.SessionResume r, ResumeToken token, int attempt) {
        if (heldBack == null) {
            heldBack = new ArrayDeque<>();
        }
        ctx.executor().schedule(() -> {
            ArrayDeque<Object> held = heldBack;
            heldBack = null;
            if (!ctx.channel().isActive()) {
                return;
            }
            answeringErrors(ctx, r, () -> attemptResume(ctx, r, token, attempt));
            readHeldBack(ctx, held);
        }, RESUME_RETRY_MS, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ token refresh and session end

    /**
     * Plans the next refresh {@code tokenRefreshLead} before the token expires, at least {@link #REFRESH_RETRY} after
     * the previous attempt, and not after the expiry itself: that last attempt either extends the connection or ends
     * it. Whatever the clocks say, two checks are at least {@link #MIN_REFRESH_DELAY} apart.
     */
    private void scheduleRefresh() {
        long now = node.now().toEpochMilli();
        long expires = session.identity().expiresAt().toEpochMilli();
        long at = expires;
        if (refreshable) {
            long earliest = lastRefreshAttemptMillis == 0 ? now + MIN_REFRESH_DELAY.toMillis()
                    : lastRefreshAttemptMillis + REFRESH_RETRY.toMillis();
            long planned = expires - config.tokenRefreshLead().toMillis();
            at = Math.min(Math.max(planned, earliest), expires);
        }
        refreshAtMillis = Math.max(at, now + MIN_REFRESH_DELAY.toMillis());
    }

    private void cancelRefresh() {
        refreshAtMillis = NO_REFRESH;
    }

    /**
     * Asked by the node's {@link ConnectionSweep}, on its thread: whether the planned token refresh is due by
     * {@code nowMillis} (the node clock's epoch milliseconds). When it answers true, the refresh is the caller's to
     * hand to {@link #refreshDue}, once.
     */
    boolean takeDueRefresh(long nowMillis) {
        long at = refreshAtMillis;
        return at != REFRESH_HANDED_OVER && at <= nowMillis && REFRESH_AT.compareAndSet(this, at, REFRESH_HANDED_OVER);
    }

    /** The refresh the sweep found due, unless it was planned anew or cancelled meanwhile. */
    void refreshDue(ChannelHandlerContext ctx) {
        if (refreshAtMillis == REFRESH_HANDED_OVER) {
            cancelRefresh();
            refresh(ctx, session);
        }
    }

    private void refresh(ChannelHandlerContext ctx, Session s) {
        if (s == null || session != s || !s.attachedTo(ctx.channel()) || ended != null) {
            return;
        }
        if (refreshable) {
            lastRefreshAttemptMillis = node.now().toEpochMilli();
            try {
                Optional<RefreshedToken> t = node.refresh(s.identity());
                node.refreshWorks();
                if (t.isPresent()) {
                    s.identity(s.identity().withExpiry(t.get().expiresAt()));
                    node.reply(s, new Message.TokenRefresh(t.get().accessToken(), t.get().expiresAt().toString()));
                } else {
                    refreshable = false;
                }
            } catch (SessionEndedException e) {
                end(ctx, s, e.reason());
                return;
            } catch (RuntimeException e) {
                node.refreshFailed(e);
            }
        }
        if (!node.now().isBefore(s.identity().expiresAt())) {
            sendError(ctx, null, ErrorCode.AUTH_EXPIRED, "the access token expired and could not be refreshed; "
                    + "reconnect with new credentials and resume");
            closeSession(ctx, CloseCode.AUTH_FAILED);
            return;
        }
        scheduleRefresh();
    }

    /** Checks the session's sign-in at once (after this node may have missed a sign-out), refreshing its token. */
    void recheck(ChannelHandlerContext ctx, Session s) {
        if (session == s && refreshable) {
            lastRefreshAttemptMillis = 0;
            refresh(ctx, s);
        }
    }

    /**
     * The user's sign-in session is over: the client is told why and the connection closed with 4410; its session
     * and calls end (the peer hears {@code session-ended}) instead of waiting for a resume.
     */
    void end(ChannelHandlerContext ctx, Session s, SessionEnd why) {
        if (session != s || ended != null || !s.attachedTo(ctx.channel())) {
            return;
        }
        ended = why;
        cancelRefresh();
        sendError(ctx, null, switch (why) {
            case SIGNED_OUT, EXPIRED, REVOKED -> ErrorCode.SESSION_ENDED;
            case ACCOUNT_DISABLED -> ErrorCode.ACCOUNT_DISABLED;
            case ACCOUNT_CHANGED -> ErrorCode.ACCOUNT_CHANGED;
        }, switch (why) {
            case SIGNED_OUT -> "you signed out";
            case EXPIRED -> "your session has expired; sign in again";
            case REVOKED -> "your session was revoked; sign in again";
            case ACCOUNT_DISABLED -> "your account has been disabled";
            case ACCOUNT_CHANGED -> "your account was changed; sign in again";
        });
        closeSession(ctx, CloseCode.SESSION_ENDED);
    }

    // ------------------------------------------------------------------ backpressure, errors, close

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (!ctx.channel().isWritable()) {
            if (slowTask == null) {
                slowTask = ctx.executor().schedule(() -> {
                    slowTask = null;
                    if (!ctx.channel().isWritable()) {
                        slowConsumer(ctx);
                    }
                }, config.slowConsumerGrace().toMillis(), TimeUnit.MILLISECONDS);
            }
        } else if (slowTask != null) {
            slowTask.cancel(false);
            slowTask = null;
        }
        super.channelWritabilityChanged(ctx);
    }

    private void slowConsumer(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        log.info("closing a connection that does not read its messages");
        closeSession(ctx, CloseCode.SLOW_CONSUMER);
    }

    private void closeSession(ChannelHandlerContext ctx, CloseCode code) {
        if (session != null) {
            session.suspend();
        }
        Connections.closeWith(ctx.channel(), code);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("connection error: {}", cause.toString());
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelRefresh();
        if (slowTask != null) {
            slowTask.cancel(false);
        }
        Session s = session;
        if (s != null && s.attachedTo(ctx.channel()) && !node.halted()) {
            node.unbind(s, ctx.channel());
            try {
                if (ended != null) {
                    node.leave(s, "session-ended");
                } else if (clientCloseCode == CloseCode.NORMAL.code()) {
                    node.leave(s, "left");
                } else {
                    node.park(s);
                }
            } catch (RuntimeException e) {
                log.warn("could not park a closed session: {}", e.toString());
            }
        }
        node.closed(ctx.channel());
        super.channelInactive(ctx);
    }
}
