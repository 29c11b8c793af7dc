package ma.tabiblink.records;

import redis.clients.jedis.UnifiedJedis;

/** The care relationship: specialists who have (had) a consultation with a patient. Written when one is opened. */
public final class CareTeam {

    private final UnifiedJedis redis;

    public CareTeam(UnifiedJedis redis) {
        this.redis = redis;
    }

    public boolean includes(String patientId, String userId) {
        return redis.sismember(RedisKeys.careTeam(patientId), userId);
    }
}
