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
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import ma.tabiblink.signaling.auth.AuthenticationException;
import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.auth.RefreshedToken;
import ma.tabiblink.signaling.auth.Role;
import ma.tabiblink.signaling.call.CallService;
import ma.tabiblink.signaling.cluster.ClusterState;
import ma.tabiblink.signaling.event.SignalingEvent;
import ma.tabiblink.signaling.protocol.CloseCode;
import ma.tabiblink.signaling.protocol.ErrorCode;
import ma.tabiblink.signaling.protocol.Message;
import ma.tabiblink.signaling.protocol.MessageCodec;
import ma.tabiblink.signaling.protocol.ProtocolException;
import ma.tabiblink.signaling.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One connection's session: authenticates it when the WebSocket handshake completes, answers its messages, and parks
 * its session when the connection goes away. Runs on a worker executor, never on a network thread, because it waits
 * on Redis; the relay messages that need no Redis are handled before, by {@link InlineRelay}.
 */
final class SessionHandler extends SimpleChannelInboundHandler<Object> {

    private static final Logger log = LoggerFactory.getLogger(SessionHandler.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int RESUME_ATTEMPTS = 40;
    private static final long RESUME_RETRY_MS = 50;
    private static final Duration MIN_REFRESH_DELAY = Duration.ofSeconds(1);

    private final Connections node;
    private final InlineRelay inlineRelay;
    private Session session;
    private int clientCloseCode = -1;
    private ScheduledFuture<?> refreshTask;
    private ScheduledFuture<?> slowTask;
    /** How long nothing has arrived on the connection, counted in quiet checks. */
    private long quietMillis;
    /**
     * Non-null while a resume waits for the session's previous connection to let go: the connection's later messages
     * wait here, so that they are handled after the resume, in order.
     */
    private ArrayDeque<Object> heldBack;

    SessionHandler(Connections node, InlineRelay inlineRelay) {
        this.node = node;
        this.inlineRelay = inlineRelay;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        node.opened(ctx.channel());
        super.channelActive(ctx);
    }

    // ------------------------------------------------------------------ connect

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hc) {
            onHandshake(ctx, hc.requestUri(), hc.requestHeaders());
        } else if (evt instanceof IdleStateEvent idle) {
            quietMillis = idle.isFirst() ? node.quietCheckMillis() : quietMillis + node.quietCheckMillis();
            if (quietMillis < node.config.idleTimeout().toMillis()) {
                if (session != null) {
                    ctx.writeAndFlush(new PingWebSocketFrame());
                }
            } else if (session == null) {
                // no WebSocket session yet (handshake never completed, or refused): nothing to say, just close
                ctx.close();
            } else {
                sendError(ctx, null, ErrorCode.IDLE_TIMEOUT,
                        "nothing received for " + node.config.idleTimeout().toSeconds() + " s");
                closeSession(ctx, CloseCode.IDLE_TIMEOUT);
            }
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    private void onHandshake(ChannelHandlerContext ctx, String uri, HttpHeaders headers) {
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null && !node.config.allowedOrigins().isEmpty()
                && !node.config.allowedOrigins().contains(origin)) {
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
            who = node.authenticator.authenticate(bearerToken(uri, headers));
            if (!who.expiresAt().isAfter(node.clock.instant())) {
                throw new AuthenticationException(AuthenticationException.Reason.EXPIRED, "the token has expired");
            }
        } catch (AuthenticationException e) {
            ErrorCode code = switch (e.reason()) {
                case MISSING -> ErrorCode.AUTH_MISSING;
                case EXPIRED -> ErrorCode.AUTH_EXPIRED;
                case INVALID -> ErrorCode.AUTH_INVALID;
            };
            node.refuse(ctx.channel(), code, e.getMessage() == null ? "authentication failed" : e.getMessage(),
                    CloseCode.AUTH_FAILED);
            return;
        } catch (RuntimeException e) {
            log.warn("authenticator failed: {}", e.toString());
            node.refuse(ctx.channel(), ErrorCode.AUTH_INVALID, "the token could not be verified",
                    CloseCode.AUTH_FAILED);
            return;
        }
        byte[] secretBytes = new byte[24];
        RANDOM.nextBytes(secretBytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        Session fresh = newSession(ctx, CallService.newId("s-"), Connections.sha256(secret), who);
        node.sessions.add(fresh);
        String status;
        try {
            status = node.cluster.register(fresh.id(), who, node.config.nodeId(), fresh.secretHash(),
                    node.config.maxConnectionsPerUser(), node.presenceTtlMs());
        } catch (ProtocolException e) {
            node.sessions.remove(fresh);
            node.refuse(ctx.channel(), e.code(), e.getMessage(), CloseCode.TOO_MANY_CONNECTIONS);
            return;
        } catch (JedisException e) {
            node.sessions.remove(fresh);
            log.warn("Redis failed while registering a connection: {}", e.toString());
            node.refuse(ctx.channel(), ErrorCode.INTERNAL_ERROR, "temporarily unable to accept connections",
                    CloseCode.SERVER_ERROR);
            return;
        }
        session = fresh;
        inlineRelay.session(fresh);
        fresh.attach(ctx.channel(), 0);
        node.bind(fresh, ctx.channel());
        fresh.sendFirst(node.codec.encode(new Message.Welcome(fresh.id(), fresh.id() + "." + secret,
                node.config.resumeWindow().toSeconds(), node.config.heartbeatInterval().toSeconds(),
                new Message.UserInfo(who.userId(), who.displayName(), who.role().name(),
                        who.role() == Role.SPECIALIST ? who.specialties() : null, who.dispensaryId(),
                        who.province()))));
        if (who.role() == Role.SPECIALIST && !status.isEmpty()) {
            node.events.emit(new SignalingEvent.PresenceChanged(node.clock.instant(), who.userId(), status));
        }
        scheduleRefresh(ctx);
    }

    private Session newSession(ChannelHandlerContext ctx, String id, String secretHash, Identity who) {
        long hardLimit = 4L * node.config.outboundHighWaterMark();
        return new Session(id, secretHash, who, node.config.replayBufferMessages(),
                node.config.replayBufferBytes(), hardLimit,
                () -> ctx.executor().execute(() -> slowConsumer(ctx)));
    }

    private static String bearerToken(String uri, HttpHeaders headers) {
        List<String> q = new QueryStringDecoder(uri).parameters().get("token");
        if (q != null && !q.isEmpty() && !q.get(0).isBlank()) {
            return q.get(0);
        }
        String auth = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        return null;
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
        if (session == null) {
            return;
        }
        if (msg == ProtocolDecoder.RATE_LIMITED) {
            sendError(ctx, null, ErrorCode.RATE_LIMITED, "more than " + node.config.maxMessagesPerSecond()
                    + " messages per second");
            closeSession(ctx, CloseCode.RATE_LIMITED);
            return;
        }
        if (msg == ProtocolDecoder.TOO_LARGE) {
            sendError(ctx, null, ErrorCode.FRAME_TOO_LARGE,
                    "messages are limited to " + node.config.maxFrameBytes() + " bytes");
            closeSession(ctx, CloseCode.MESSAGE_TOO_BIG);
            return;
        }
        if (msg instanceof MessageCodec.Decoded d) {
            if (d.error() != null) {
                node.observer.errorSent(d.error().code());
                node.sessions.reply(session, d.error());
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
        CallService calls = node.calls;
        if (m instanceof Message.Ping p) {
            node.sessions.reply(s, new Message.Pong(p.id()));
        } else if (m instanceof Message.SessionResume r) {
            resume(ctx, r);
        } else if (m instanceof Message.Relayed r) {
            long started = System.nanoTime();
            calls.relay(s, r);
            node.observer.relayed(System.nanoTime() - started);
        } else if (m instanceof Message.PresenceSet p) {
            calls.setPresence(s, p);
        } else if (m instanceof Message.CallRequest r) {
            calls.request(s, r);
        } else if (m instanceof Message.CallCancel c) {
            calls.cancel(s, c);
        } else if (m instanceof Message.CallAccept a) {
            calls.accept(s, a);
        } else if (m instanceof Message.CallDecline d) {
            calls.decline(s, d);
        } else if (m instanceof Message.CallJoin j) {
            calls.join(s, j);
        } else if (m instanceof Message.CallHangup h) {
            calls.hangup(s, h);
        } else if (m instanceof Message.CallJitsi j) {
            calls.jitsi(s, j);
        } else if (m instanceof Message.CallInvite i) {
            calls.invite(s, i);
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
        node.observer.errorSent(code.name());
        Message.Error error = new Message.Error(re, code.name(), message);
        if (session != null) {
            node.sessions.reply(session, error);
        } else {
            ctx.writeAndFlush(new TextWebSocketFrame(MessageCodec.withSeq(node.codec.encode(error), 1)));
        }
    }

    // ------------------------------------------------------------------ resume

    private void resume(ChannelHandlerContext ctx, Message.SessionResume r) {
        String token = r.resumeToken();
        int dot = token.indexOf('.');
        if (dot <= 0) {
            throw new ProtocolException(ErrorCode.RESUME_INVALID, "malformed resume token");
        }
        String sid = token.substring(0, dot);
        String hash = Connections.sha256(token.substring(dot + 1));
        Session fresh = session;
        if (sid.equals(fresh.id())) {
            throw new ProtocolException(ErrorCode.RESUME_INVALID, "this connection already is that session");
        }
        Identity who = fresh.identity();
        Session held = node.sessions.local(sid);
        if (held != null) {
            if (!held.secretHash().equals(hash) || !held.identity().userId().equals(who.userId())) {
                throw new ProtocolException(ErrorCode.RESUME_INVALID, "this resume token is not valid for you");
            }
            node.kick(sid);
        }
        attemptResume(ctx, r, sid, hash, 1);
    }

    /**
     * Claims the session in Redis and moves it onto this connection. While the session is still live on another
     * connection (being kicked, or on a node that has just died), the claim is tried again a little later on a timer,
     * not by sleeping: this worker thread also serves other connections.
     */
    private void attemptResume(ChannelHandlerContext ctx, Message.SessionResume r, String sid, String hash,
                               int attempt) {
        Session fresh = session;
        Identity who = fresh.identity();
        Session target = newSession(ctx, sid, hash, who);
        List<Message.CallSummary> calls;
        synchronized (target) {
            node.sessions.add(target);
            ClusterState.Claim claim = node.cluster.claim(sid, hash, who.userId(), node.config.nodeId(),
                    node.presenceTtlMs(), node.clock.instant());
            if ("LIVE".equals(claim.status()) && attempt < RESUME_ATTEMPTS) {
                node.sessions.remove(target);
                if (claim.liveNode().equals(node.config.nodeId())) {
                    node.kick(sid);
                } else {
                    node.publishKick(claim.liveNode(), sid);
                }
                retryResume(ctx, r, sid, hash, attempt + 1);
                return;
            }
            if (!"OK".equals(claim.status())) {
                node.sessions.remove(target);
                if ("RESUME_INVALID".equals(claim.status()) || "LIVE".equals(claim.status())) {
                    throw new ProtocolException(ErrorCode.RESUME_INVALID, "this resume token is not valid for you");
                }
                throw new ProtocolException(ErrorCode.RESUME_EXPIRED, "the session is gone; start afresh");
            }
            fresh.detach(p -> { });
            node.sessions.remove(fresh);
            node.unbind(fresh, ctx.channel());
            node.cluster.drop(fresh.id());

            List<Session.Sent> missed = new ArrayList<>();
            long counter = claim.seq();
            for (String stored : claim.outbox()) {
                missed.add(Session.Sent.parse(stored));
            }
            if (claim.reaped()) {
                long base = Math.max(claim.seq(), r.lastSeq());
                List<Session.Sent> renumbered = new ArrayList<>();
                for (Session.Sent m : missed) {
                    renumbered.add(new Session.Sent(++base, m.json()));
                }
                missed = renumbered;
                counter = base;
            }
            for (Session.Sent m : missed) {
                counter = Math.max(counter, m.seq());
            }
            counter = Math.max(counter, r.lastSeq());
            target.attach(ctx.channel(), counter);
            node.bind(target, ctx.channel());
            session = target;
            inlineRelay.session(target);
            calls = node.calls.resumed(target);
            target.send(node.codec.encode(new Message.SessionResumed(r.id(), sid, calls)));
            boolean gap = !claim.reaped() && !missed.isEmpty() && missed.get(0).seq() > r.lastSeq() + 1;
            for (Session.Sent m : missed) {
                if (claim.reaped() || m.seq() > r.lastSeq()) {
                    target.replay(m);
                }
            }
            if (gap) {
                target.send(node.codec.encode(new Message.Error(r.id(), ErrorCode.RESUME_GAP.name(),
                        "some messages older than the resume buffer were lost")));
            }
        }
        node.calls.announceBack(target, calls);
        node.observer.resumed();
        if (who.role() == Role.SPECIALIST) {
            node.events.emit(new SignalingEvent.PresenceChanged(node.clock.instant(), who.userId(),
                    calls.stream().anyMatch(c -> "active".equals(c.state())) ? "busy" : "back"));
        }
        scheduleRefresh(ctx);
    }

    private void retryResume(ChannelHandlerContext ctx, Message.SessionResume r, String sid, String hash,
                             int attempt) {
        if (heldBack == null) {
            heldBack = new ArrayDeque<>();
        }
        ctx.executor().schedule(() -> {
            ArrayDeque<Object> held = heldBack;
            heldBack = null;
            if (!ctx.channel().isActive()) {
                return;
            }
            answeringErrors(ctx, r, () -> attemptResume(ctx, r, sid, hash, attempt));
            readHeldBack(ctx, held);
        }, RESUME_RETRY_MS, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ token refresh

    private void scheduleRefresh(ChannelHandlerContext ctx) {
        if (refreshTask != null) {
            refreshTask.cancel(false);
        }
        Session s = session;
        Instant at = s.identity().expiresAt().minus(node.config.tokenRefreshLead());
        Duration delay = Duration.between(node.clock.instant(), at);
        if (delay.compareTo(MIN_REFRESH_DELAY) < 0) {
            delay = MIN_REFRESH_DELAY;
        }
        refreshTask = ctx.executor().schedule(() -> refresh(ctx, s), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void refresh(ChannelHandlerContext ctx, Session s) {
        if (session != s || !s.attachedTo(ctx.channel())) {
            return;
        }
        try {
            RefreshedToken t = node.refresher.refresh(s.identity());
            s.identity(s.identity().withExpiry(t.expiresAt()));
            node.sessions.reply(s, new Message.TokenRefresh(t.accessToken(), t.expiresAt().toString()));
        } catch (RuntimeException e) {
            log.warn("token refresh failed for a session: {}", e.toString());
        }
        scheduleRefresh(ctx);
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
                }, node.config.slowConsumerGrace().toMillis(), TimeUnit.MILLISECONDS);
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
        if (refreshTask != null) {
            refreshTask.cancel(false);
        }
        if (slowTask != null) {
            slowTask.cancel(false);
        }
        Session s = session;
        if (s != null && s.attachedTo(ctx.channel()) && !node.halted()) {
            node.unbind(s, ctx.channel());
            try {
                if (clientCloseCode == CloseCode.NORMAL.code()) {
                    node.leave(s);
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
