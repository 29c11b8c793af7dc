package ma.tabiblink.signaling.transport;

import io.netty.channel.ChannelHandlerContext;

import java.time.Clock;
import java.util.Collection;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The node's one watch over its open connections, instead of timers on each of them: a few times per quiet-check
 * period, and at least once a second, it walks the open connections and hands each session handler, on that handler's
 * own thread, what has come due: a quiet connection (nothing read for a check period) to ping or close, a token to
 * refresh.
 */
final class ConnectionSweep {

    /** A quiet connection is seen to at most this fraction of a check period late, and pinged once per period. */
    private static final int TICKS_PER_CHECK = 4;
    /** A token refresh comes due at most this late. */
    private static final long LONGEST_TICK_MILLIS = 1000;

    private final Collection<ChannelHandlerContext> sessions;
    private final long periodMillis;
    private final Clock clock;
    private ScheduledFuture<?> task;

    /**
     * @param sessions     the session stage of every open connection, a live view
     * @param periodMillis how long a connection may read nothing before it is seen to
     * @param clock        the node's clock, by which token refreshes are planned
     */
    ConnectionSweep(Collection<ChannelHandlerContext> sessions, long periodMillis, Clock clock) {
        this.sessions = sessions;
        this.periodMillis = periodMillis;
        this.clock = clock;
    }

    synchronized void start(ScheduledExecutorService on) {
        if (task == null) {
            long tick = Math.max(1, Math.min(LONGEST_TICK_MILLIS, periodMillis / TICKS_PER_CHECK));
            task = on.scheduleAtFixedRate(this::sweep, tick, tick, TimeUnit.MILLISECONDS);
        }
    }

    synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        long periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis);
        long clockMillis = clock.millis();
        for (ChannelHandlerContext session : sessions) {
            if (!(session.handler() instanceof SessionHandler handler)) {
                continue;
            }
            try {
                if (handler.dueForQuietCheck(now, periodNanos)) {
                    session.executor().execute(() -> handler.quiet(session));
                }
                if (handler.takeDueRefresh(clockMillis)) {
                    session.executor().execute(() -> handler.refreshDue(session));
                }
            } catch (RejectedExecutionException stopping) {
                return;
            }
        }
    }
}
