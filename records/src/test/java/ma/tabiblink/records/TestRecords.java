package ma.tabiblink.records;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Set;
import ma.tabiblink.records.consultation.Consultation;
import ma.tabiblink.records.consultation.ConsultationMode;
import ma.tabiblink.records.consultation.ConsultationOrigin;
import ma.tabiblink.records.consultation.OpenConsultation;
import ma.tabiblink.records.keys.KeyRing;
import ma.tabiblink.records.keys.KeystoreSettings;
import ma.tabiblink.records.note.NoteContent;
import ma.tabiblink.records.patient.NewPatient;
import ma.tabiblink.records.patient.Patient;
import ma.tabiblink.records.patient.Sex;
import redis.clients.jedis.JedisPooled;
import redis.embedded.RedisServer;

/** A real Redis (embedded-redis) on a free port, a demo keystore in a temporary folder, and the module over them. */
public final class TestRecords implements AutoCloseable {

    public static final Actor NURSE1 = new Actor("nurse1", Role.NURSE, "disp-tinghir", Set.of(), "10.0.0.11");
    public static final Actor NURSE2 = new Actor("nurse2", Role.NURSE, "disp-azilal", Set.of(), "10.0.0.12");
    public static final Actor CARDIO = new Actor("dr.cardio", Role.SPECIALIST, null, Set.of("cardiology"), "10.0.1.1");
    public static final Actor PEDIA = new Actor("dr.pedia", Role.SPECIALIST, null, Set.of("paediatrics"), "10.0.1.2");
    public static final Actor DERM = new Actor("dr.derm", Role.SPECIALIST, null, Set.of("dermatology"), "10.0.1.3");
    public static final Actor COORD = new Actor("coord1", Role.COORDINATOR, null, Set.of(), "10.0.2.1");
    public static final Actor ADMIN = new Actor("admin", Role.ADMIN, null, Set.of(), "10.0.3.1");
    public static final Actor OPERATOR = Actor.operator("test");

    public final RedisServer server;
    public final int port;
    public final JedisPooled redis;
    public final Path dataDir;
    public Records records;
    public final Clock clock = Clock.fixed(Instant.parse("2026-03-10T09:30:00Z"), ZoneOffset.UTC);

    public TestRecords() {
        try {
            port = freePort();
            server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"")
                    .setting("appendonly no").build();
            server.start();
            redis = new JedisPooled("127.0.0.1", port);
            dataDir = Files.createTempDirectory("tabib-records-test");
            records = Records.create(redis, clock, KeyRing.open(keystoreSettings()), "https://tabib.test/fhir");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Empties Redis and assembles the module again (a fresh audit chain), keeping server and keystore. */
    public void reset() {
        redis.flushAll();
        records = Records.create(redis, clock, KeyRing.open(keystoreSettings()), "https://tabib.test/fhir");
    }

    public KeystoreSettings keystoreSettings() {
        return KeystoreSettings.inDataDir(dataDir, null, null, true);
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * A new patient of Tinghir each time: tests that register the same name twice mean two people, so the
     * likely-duplicate check (PatientRegistryTest covers it) is answered "a different person".
     */
    public Patient tinghirPatient(String name, String nationalId) {
        return records.patients().register(NURSE1, new NewPatient(name, LocalDate.of(1961, 4, 2), null, Sex.FEMALE,
                "disp-tinghir", "ar", nationalId, null, true), null, true);
    }

    /** A new patient of Azilal each time (see {@link #tinghirPatient}). */
    public Patient azilalPatient(String name) {
        return records.patients().register(NURSE2, new NewPatient(name, null, 1990, Sex.MALE, "disp-azilal", "fr",
                null, null, true), null, true);
    }

    public Consultation urgentCall(Patient p, Actor specialist, String callId) {
        return records.openConsultation(Actor.system("signaling"), new OpenConsultation(p.id(),
                ConsultationOrigin.URGENT_CALL, callId, specialist.userId(), "nurse1", ConsultationMode.VIDEO, null));
    }

    public static NoteContent note(String marker) {
        return new NoteContent("Douleur thoracique " + marker, "HTA depuis 2015 " + marker,
                "TA 160/95, auscultation normale " + marker, "Angor stable probable " + marker,
                "ECG au CHP dans la semaine " + marker, "Aspirine 100 mg 1/j " + marker,
                "Revoir dans 1 mois " + marker, "Patiente anxieuse " + marker, "fr");
    }

    @Override
    public void close() {
        redis.close();
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
