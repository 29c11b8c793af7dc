package ma.tabiblink.signaling.transport;

import io.netty.channel.ChannelHandlerContext;

import java.util.Collection;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The node's one watch over quiet connections, instead of an idle-state stage and its timers on each of them: a few
 * times per check period it walks the open connections and hands each one that has read nothing for a check period to
 * its session handler, on that handler's own thread, which pings it or closes it.
 */
final class QuietSweep {

    /** A quiet connection is seen to at most this fraction of a check period late, and pinged once per period. */
    private static final int TICKS_PER_CHECK = 4;

    private final Collection<ChannelHandlerContext> sessions;
    private final long periodMillis;
    private ScheduledFuture<?> task;

    /** @param sessions the session stage of every open connection, a live view */
    QuietSweep(Collection<ChannelHandlerContext> sessions, long periodMillis) {
        this.sessions = sessions;
        this.periodMillis = periodMillis;
    }

    synchronized void start(ScheduledExecutorService on) {
        if (task == null) {
            long tick = Math.max(1, periodMillis / TICKS_PER_CHECK);
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
        for (ChannelHandlerContext session : sessions) {
            if (session.handler() instanceof SessionHandler handler && handler.dueForQuietCheck(now, periodNanos)) {
                try {
                    session.executor().execute(() -> handler.quiet(session));
                } catch (RejectedExecutionException stopping) {
                    return;
                }
            }
        }
    }
}
