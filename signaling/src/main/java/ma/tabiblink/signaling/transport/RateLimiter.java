package ma.tabiblink.signaling.transport;

/** Token bucket for the inbound messages of one connection; used from its event loop only. */
final class RateLimiter {

    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    RateLimiter(double perSecond, int burst, long nowNanos) {
        this.perNano = perSecond / 1_000_000_000d;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    boolean tryAcquire(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - last) * perNano);
        last = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
