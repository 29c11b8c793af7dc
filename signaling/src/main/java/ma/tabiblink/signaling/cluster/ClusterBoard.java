package ma.tabiblink.signaling.cluster;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * What the coordinators' board and the metrics read of the whole cluster. Each read costs a fixed number of round
 * trips however many specialists and calls there are: the per-specialty and per-specialist reads are pipelined.
 */
public final class ClusterBoard {

    private final UnifiedJedis redis;
    private final RedisKeys keys;

    ClusterBoard(UnifiedJedis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /**
     * The urgent calls waiting for one specialty.
     *
     * @param oldestRequest when the longest-waiting of them was asked for; {@code null} when none is waiting
     */
    public record WaitingCalls(String specialty, int length, Instant oldestRequest) {
    }

    /** The specialists connected anywhere in the cluster, each once, in roster order. */
    public List<Presence> connectedSpecialists() {
        List<String> specialties = List.copyOf(redis.smembers(keys.specialties()));
        Set<String> users = new LinkedHashSet<>();
        readAll(specialties, (p, specialty) -> p.smembers(keys.roster(specialty))).forEach(users::addAll);
        List<String> ordered = List.copyOf(users);
        List<Map<String, String>> hashes = readAll(ordered, (p, user) -> p.hgetAll(keys.presence(user)));
        List<Presence> out = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            ClusterState.presence(ordered.get(i), hashes.get(i)).filter(Presence::connected).ifPresent(out::add);
        }
        return out;
    }

    /** The waiting urgent calls of every specialty that has had a queue or a specialist. */
    public List<WaitingCalls> queues() {
        List<String> specialties = List.copyOf(redis.smembers(keys.specialties()));
        List<List<String>> waiting = readAll(specialties, (p, specialty) -> p.zrange(keys.queue(specialty), 0, -1));
        List<String> callIds = waiting.stream().flatMap(List::stream).toList();
        List<String> requestedAt = readAll(callIds, (p, callId) -> p.hget(keys.call(callId), "requestedAt"));
        List<WaitingCalls> out = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < specialties.size(); i++) {
            Instant oldest = null;
            for (int k = 0; k < waiting.get(i).size(); k++) {
                String at = requestedAt.get(next++);
                if (at != null) {
                    Instant requested = Instant.ofEpochMilli(Long.parseLong(at));
                    oldest = oldest == null || requested.isBefore(oldest) ? requested : oldest;
                }
            }
            out.add(new WaitingCalls(specialties.get(i), waiting.get(i).size(), oldest));
        }
        return out;
    }

    /** Calls established anywhere in the cluster. */
    public int callsInProgress() {
        return (int) redis.scard(keys.activeCalls());
    }

    /** One read per item, all in one round trip; the replies in the order of the items. */
    private <T, R> List<R> readAll(List<T> items, BiFunction<AbstractPipeline, T, Response<R>> read) {
        if (items.isEmpty()) {
            return List.of();
        }
        List<Response<R>> replies = new ArrayList<>(items.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (T item : items) {
                replies.add(read.apply(pipeline, item));
            }
            pipeline.sync();
        }
        List<R> out = new ArrayList<>(replies.size());
        replies.forEach(reply -> out.add(reply.get()));
        return out;
    }
}
