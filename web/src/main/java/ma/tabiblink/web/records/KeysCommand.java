package ma.tabiblink.web.records;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.springframework.boot.convert.DurationStyle;

import ma.tabiblink.records.Actor;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.Records;
import ma.tabiblink.records.ReplicaAcknowledgement;
import ma.tabiblink.records.breakglass.BreakGlassLimit;
import ma.tabiblink.records.cases.ServiceLevels;
import ma.tabiblink.records.audit.AuditCheckpoint;
import ma.tabiblink.records.audit.ChainVerification;
import ma.tabiblink.records.keys.KeyRing;
import ma.tabiblink.records.keys.KeystoreSettings;
import ma.tabiblink.records.operator.KeyOperations;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Operator commands for the records keys, run without starting the web application:
 * <pre>
 *   java -jar tabib-link.jar keys init|rotate|rewrap|verify|shred &lt;patientId&gt;|audit-verify|audit-checkpoint
 * </pre>
 * Configuration from the environment, as for the server: {@code TABIB_DATA_DIR}, {@code TABIB_DEMO},
 * {@code TABIB_RECORDS_KEYSTORE_PASSPHRASE} or {@code TABIB_RECORDS_KEYSTORE_PASSPHRASE_FILE},
 * {@code TABIB_RECORDS_KEYSTORE_FILE}, and {@code REDIS_URL} (every command but {@code init} needs Redis; in demo mode
 * use the embedded Redis address the server prints at start), with {@code REDIS_MIN_REPLICAS_ACKED} and
 * {@code REDIS_REPLICA_ACK_TIMEOUT} under Sentinel (rewrap retires a key version only once replicas hold the
 * re-wrapped data keys). Exit codes: 0 done, 1 failed or problems found,
 * 2 usage.
 */
public final class KeysCommand {

    private static final String USAGE = """
            usage: keys <command>
              init                create the records keystore (outside demo mode; never overwrites)
              rotate              add a new key-encryption-key version; new data keys use it
              rewrap              re-wrap every data key to the newest version, retire unused versions
              verify              open every data key, decrypt every note, check signatures and the audit chain
              shred <patientId>   legal erasure of a patient: their identity and the data keys of their notes
                                  are destroyed, every later write for them is refused (irreversible)
              audit-verify [--checkpoint FILE]...
                                  walk the hash-chained audit log; with checkpoints kept off the server, also prove
                                  that no entry they vouch for was changed or deleted
              audit-checkpoint    print a signed checkpoint of the verified audit chain: keep it off the server
            environment: TABIB_DATA_DIR, TABIB_DEMO, REDIS_URL, TABIB_RECORDS_KEYSTORE_PASSPHRASE or
                         TABIB_RECORDS_KEYSTORE_PASSPHRASE_FILE, TABIB_RECORDS_KEYSTORE_FILE""";

    private KeysCommand() {
    }

    /** Entry point from the application's main method when the first argument is {@code keys}. */
    public static int run(String[] args) {
        return run(args, System.getenv()::get, System.out, System.err);
    }

    static int run(String[] args, Function<String, String> env, PrintStream out, PrintStream err) {
        int first = args.length > 0 && "keys".equals(args[0]) ? 1 : 0;
        if (args.length <= first) {
            err.println(USAGE);
            return 2;
        }
        String command = args[first];
        boolean demo = Boolean.parseBoolean(envOr(env, "TABIB_DEMO", "false"));
        Path dataDir = Path.of(envOr(env, "TABIB_DATA_DIR", "./data")).toAbsolutePath().normalize();
        String passphraseFile = envOr(env, "TABIB_RECORDS_KEYSTORE_PASSPHRASE_FILE", "");
        String keystoreFile = envOr(env, "TABIB_RECORDS_KEYSTORE_FILE", "");
        KeystoreSettings defaults = KeystoreSettings.inDataDir(dataDir,
                emptyToNull(envOr(env, "TABIB_RECORDS_KEYSTORE_PASSPHRASE", "")),
                passphraseFile.isBlank() ? null : Path.of(passphraseFile), demo);
        KeystoreSettings keystore = keystoreFile.isBlank() ? defaults
                : new KeystoreSettings(Path.of(keystoreFile), defaults.passphrase(), defaults.passphraseFile(), demo);
        try {
            if (command.equals("init")) {
                if (args.length != first + 1) {
                    err.println(USAGE);
                    return 2;
                }
                KeyRing ring = KeyRing.initialise(keystore);
                out.println("created " + keystore.keystoreFile() + " with key version " + ring.currentVersion());
                return 0;
            }
            String redisUrl = envOr(env, "REDIS_URL", "");
            if (redisUrl.isBlank()) {
                err.println("REDIS_URL is not set. Key commands record what they do in the audit log in Redis;"
                        + " point REDIS_URL at the server's Redis (in demo mode: the embedded Redis address printed"
                        + " at start, e.g. redis://127.0.0.1:6390).");
                return 1;
            }
            try (JedisPooled redis = new JedisPooled(URI.create(redisUrl))) {
                Records records = Records.create(redis, Clock.systemUTC(), KeyRing.open(keystore),
                        envOr(env, "TABIB_RECORDS_FHIR_BASE_URL", "http://localhost:8080/fhir"),
                        BreakGlassLimit.DEFAULT, ServiceLevels.DEFAULT, replicaAcknowledgement(env));
                Actor operator = Actor.operator(envOr(env, "USER", "unknown"));
                return execute(records.keyOperations(), operator, command, args, first, out, err);
            }
        } catch (RecordsException e) {
            err.println(e.code() + ": " + e.getMessage());
            return 1;
        } catch (JedisException e) {
            err.println("REDIS_UNAVAILABLE: cannot reach Redis at the configured REDIS_URL (" + e.getMessage() + ")");
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("INVALID_CONFIGURATION: " + e.getMessage());
            return 1;
        }
    }

    /** From the server's own settings; a malformed value is an {@code INVALID_CONFIGURATION}. */
    private static ReplicaAcknowledgement replicaAcknowledgement(Function<String, String> env) {
        String replicas = envOr(env, "REDIS_MIN_REPLICAS_ACKED", "0").strip();
        String timeout = envOr(env, "REDIS_REPLICA_ACK_TIMEOUT", "1s").strip();
        try {
            return new ReplicaAcknowledgement(Integer.parseInt(replicas), DurationStyle.detectAndParse(timeout));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("REDIS_MIN_REPLICAS_ACKED must be a whole number of 0 or more and "
                    + "REDIS_REPLICA_ACK_TIMEOUT a positive duration such as 1s, got '" + replicas + "' and '"
                    + timeout + "'");
        }
    }

    private static int execute(KeyOperations ops, Actor operator, String command, String[] args, int first,
                               PrintStream out, PrintStream err) {
        int argc = args.length - first;
        switch (command) {
            case "rotate" -> {
                out.println("key version " + ops.rotate(operator) + " is now current; run `keys rewrap` next");
                return 0;
            }
            case "rewrap" -> {
                KeyOperations.RewrapReport r = ops.rewrap(operator);
                out.println("current version " + r.currentVersion() + ", re-wrapped " + r.rewrapped()
                        + " data keys, retired versions " + r.retired() + ", data keys per version " + r.remaining());
                r.problems().forEach(p -> err.println("problem: " + p));
                return r.problems().isEmpty() ? 0 : 1;
            }
            case "verify" -> {
                KeyOperations.VerifyReport r = ops.verify(operator);
                out.println("keystore versions " + r.keystoreVersions() + ", data keys per version "
                        + r.dataKeysByVersion() + ", records checked " + r.recordsChecked() + ", audit chain "
                        + (r.audit().intact() ? "intact (" + r.audit().entriesChecked() + " entries)" : "BROKEN"));
                r.problems().forEach(p -> err.println("problem: " + p));
                out.println(r.ok() ? "OK" : "PROBLEMS FOUND: " + r.problems().size());
                return r.ok() ? 0 : 1;
            }
            case "shred" -> {
                if (argc != 2) {
                    err.println(USAGE);
                    return 2;
                }
                KeyOperations.ShredReport r = ops.shred(operator, args[first + 1]);
                out.println("erased patient " + r.patientId() + ": "
                        + (r.demographicsDestroyed() ? "demographics destroyed, " : "demographics already destroyed, ")
                        + r.identifiersRemoved() + " identifier index entries removed, " + r.dataKeysDestroyed()
                        + " note data keys destroyed; nothing can be read or written for them any more");
                return 0;
            }
            case "audit-verify" -> {
                List<AuditCheckpoint> checkpoints = new ArrayList<>();
                for (int i = first + 1; i < args.length; i++) {
                    if (!args[i].equals("--checkpoint") || i + 1 >= args.length) {
                        err.println(USAGE);
                        return 2;
                    }
                    Path file = Path.of(args[++i]);
                    try {
                        for (String line : Files.readAllLines(file)) {
                            if (!line.isBlank() && !line.startsWith("#")) {
                                checkpoints.add(AuditCheckpoint.parse(line));
                            }
                        }
                    } catch (IOException e) {
                        err.println("cannot read the checkpoint file " + file + ": " + e.getMessage());
                        return 1;
                    }
                }
                ChainVerification v = ops.verifyAudit(operator, checkpoints);
                String against = checkpoints.isEmpty() ? "" : ", matching " + checkpoints.size() + " checkpoint(s)";
                out.println(v.intact() ? "audit chain intact: " + v.entriesChecked() + " entries" + against
                        : "audit chain BROKEN at entry " + v.firstBrokenSeq() + ": " + v.problem());
                return v.intact() ? 0 : 1;
            }
            case "audit-checkpoint" -> {
                if (argc != 1) {
                    err.println(USAGE);
                    return 2;
                }
                out.println(ops.auditCheckpoint(operator).toLine());
                return 0;
            }
            default -> {
                err.println("unknown command '" + command + "'\n" + USAGE);
                return 2;
            }
        }
    }

    private static String envOr(Function<String, String> env, String name, String fallback) {
        String v = env.apply(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static String emptyToNull(String s) {
        return s.isBlank() ? null : s;
    }
}
