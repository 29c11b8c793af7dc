package ma.tabiblink.signaling.session;

import io.netty.channel.Channel;
import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.cluster.ClaimResult;
import ma.tabiblink.signaling.cluster.ClusterState;
import ma.tabiblink.signaling.protocol.ErrorCode;
import ma.tabiblink.signaling.protocol.Message;
import ma.tabiblink.signaling.protocol.MessageCodec;
import ma.tabiblink.signaling.protocol.ProtocolException;

import java.time.Clock;
import java.util.List;

/**
 * Moves a session onto the new connection of its client ({@code session.resume}): checks the resume token, claims the
 * session in Redis, numbers on from where the session or the client left off and sends again what the client missed.
 * The connection's own session, opened when it connected, gives way to the resumed one.
 */
public final class SessionResumer {

    private final ClusterState cluster;
    private final SessionRegistry sessions;
    private final MessageCodec codec;
    private final String nodeId;
    private final long presenceTtlMs;
    private final Clock clock;

    public SessionResumer(ClusterState cluster, SessionRegistry sessions, MessageCodec codec, String nodeId,
                          long presenceTtlMs, Clock clock) {
        this.cluster = cluster;
        this.sessions = sessions;
        this.codec = codec;
        this.nodeId = nodeId;
        this.presenceTtlMs = presenceTtlMs;
        this.clock = clock;
    }

    /** How a claim ended when it did not fail. */
    public sealed interface Outcome {
    }

    /** The session is on the connection now; its client was told {@code calls}. */
    public record Resumed(Session session, List<Message.CallSummary> calls) implements Outcome {
    }

    /** The session is still open on another connection, on {@code node}: it must be let go before a new claim. */
    public record StillLive(String node) implements Outcome {
    }

    /** What the connection does while its session is swapped, with the resumed session locked. */
    public interface Handover {

        /** The connection's own session is no longer on this node. */
        void released(Session own);

        /** The resumed session is attached to the connection: the connection takes it; returns its calls. */
        List<Message.CallSummary> attached(Session resumed);
    }

    /**
     * Checks what {@code own}'s client presents before anything is claimed; a session of that id held on this node
     * must have the same secret and user.
     *
     * @throws ProtocolException RESUME_INVALID
     */
    public ResumeToken check(String resumeToken, Session own) {
        ResumeToken token = ResumeToken.parse(resumeToken);
        if (token.sessionId().equals(own.id())) {
            throw new ProtocolException(ErrorCode.RESUME_INVALID, "this connection already is that session");
        }
        Session held = sessions.local(token.sessionId());
        if (held != null && (!held.secretHash().equals(token.secretHash())
                || !held.identity().userId().equals(own.identity().userId()))) {
            throw new ProtocolException(ErrorCode.RESUME_INVALID, "this resume token is not valid for you");
        }
        return token;
    }

    /**
     * Claims {@code resumed} (a new, detached session with the id and secret hash of the token, for {@code own}'s user)
     * and attaches it to {@code channel} in place of {@code own}: the client is told {@code session.resumed}, then
     * gets again, under their numbers, the stored messages newer than the request's {@code lastSeq}.
     * <p>
     * The whole runs locked on {@code resumed}, which is in the registry from before the claim: whatever another
     * thread sends the session meanwhile (a local call, or a delivery from another node once the claim made the session
     * this node's) waits, and follows the messages sent again, numbered after them, instead of being lost to a session
     * that is not attached yet or numbered in among them.
     *
     * @param mayWait when false, a session still live elsewhere is refused rather than reported {@link StillLive}
     * @throws ProtocolException RESUME_INVALID or RESUME_EXPIRED
     */
    public Outcome resume(Session own, Session resumed, Channel channel, Message.SessionResume request,
                          boolean mayWait, Handover handover) {
        Identity who = own.identity();
        synchronized (resumed) {
            sessions.add(resumed);
            ClusterState.Claim claim = cluster.claim(resumed.id(), resumed.secretHash(), who.userId(), nodeId,
                    presenceTtlMs, clock.instant());
            if (claim.result() == ClaimResult.LIVE && mayWait) {
                sessions.remove(resumed);
                return new StillLive(claim.liveNode());
            }
            if (claim.result() != ClaimResult.RESUMED) {
                sessions.remove(resumed);
                if (claim.result() == ClaimResult.RESUME_INVALID || claim.result() == ClaimResult.LIVE) {
                    throw new ProtocolException(ErrorCode.RESUME_INVALID, "this resume token is not valid for you");
                }
                throw new ProtocolException(ErrorCode.RESUME_EXPIRED, "the session is gone; start afresh");
            }
            own.detach(parked -> { });
            sessions.remove(own);
            handover.released(own);
            cluster.drop(own.id());

            Replay replay = Replay.of(claim.seq(), claim.reaped(), claim.outbox(), request.lastSeq());
            resumed.attach(channel, replay.lastSeq());
            List<Message.CallSummary> calls = handover.attached(resumed);
            resumed.send(codec.encode(new Message.SessionResumed(request.id(), resumed.id(), calls)));
            replay.messages().forEach(resumed::replay);
            if (replay.gap()) {
                resumed.send(codec.encode(new Message.Error(request.id(), ErrorCode.RESUME_GAP.name(),
                        "some messages older than the resume buffer were lost")));
            }
            return new Resumed(resumed, calls);
        }
    }
}
