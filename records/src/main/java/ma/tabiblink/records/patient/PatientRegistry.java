package ma.tabiblink.records.patient;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.Normalizer;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import ma.tabiblink.records.AccessPolicy;
import ma.tabiblink.records.Actor;
import ma.tabiblink.records.CareTeam;
import ma.tabiblink.records.Ids;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.RedisKeys;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditLog;
import ma.tabiblink.records.keys.Envelope;
import ma.tabiblink.records.keys.KeyRing;
import ma.tabiblink.redisscript.RedisScript;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Patients: minimal demographics encrypted under a per-patient data key (envelope encryption), plain routing fields
 * (dispensary, preferred language, consent), national ID and insurance number findable through a keyed hash
 * (HMAC-SHA256 with the keystore's lookup key) but only ever shown masked.
 */
public final class PatientRegistry {

    public static final int MAX_DISPENSARY_LISTING = 5000;
    /** How long a registration's idempotency key is remembered: as long as a case's, longer than any outbox waits. */
    public static final long IDEMPOTENCY_SECONDS = 14 * 24 * 3600;
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*");
    private static final Pattern NATIONAL_ID = Pattern.compile("[A-Z]{1,2}[0-9]{1,8}");
    private static final Pattern INSURANCE = Pattern.compile("[A-Z0-9-]{3,32}");
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final UnifiedJedis redis;
    private final Clock clock;
    private final Envelope envelope;
    private final KeyRing keys;
    private final AuditLog audit;
    private final AccessPolicy policy;
    private final CareTeam careTeam;
    private final RedisScript register = RedisScript.load(PatientRegistry.class, "register.lua");
    private final RedisScript guardedWrite = RedisScript.load(PatientRegistry.class, "guarded_write.lua");
    private final RedisScript erase = RedisScript.load(PatientRegistry.class, "erase.lua");

    public PatientRegistry(UnifiedJedis redis, Clock clock, Envelope envelope, KeyRing keys, AuditLog audit,
                           AccessPolicy policy, CareTeam careTeam) {
        this.redis = redis;
        this.clock = clock;
        this.envelope = envelope;
        this.keys = keys;
        this.audit = audit;
        this.policy = policy;
        this.careTeam = careTeam;
    }

    /** The encrypted part of a patient record. */
    record Demographics(String fullName, LocalDate birthDate, Integer birthYear, Sex sex, String nationalId,
                        String insuranceNumber) {
    }

    /** Plain facts other services need for access decisions, read without decrypting anything. */
    public record PatientFacts(String id, String dispensaryId, boolean consent) {
    }

    /** A patient with unmasked identifiers, for the FHIR export after its own access check. */
    public record PatientDetails(Patient patient, String nationalId, String insuranceNumber) {
    }

    /** What an erasure destroyed: the demographics (false when a previous run already had) and index entries. */
    public record Erasure(boolean demographicsDestroyed, int identifiersRemoved) {
    }

    public Patient register(Actor actor, NewPatient in) {
        return register(actor, in, null, false);
    }

    /**
     * Registers a patient. With an idempotency key, a retry of the same request by the same user returns the patient
     * the first one registered (for {@link #IDEMPOTENCY_SECONDS}); the key with another request is refused with
     * {@code IDEMPOTENCY_KEY_REUSED}. A national ID or insurance number already registered is refused with
     * {@code PATIENT_DUPLICATE}; a patient of the dispensary with the same name and birth year with
     * {@code PATIENT_POSSIBLE_DUPLICATE}, unless {@code confirmedDistinct}. Both carry, in their details, the
     * existing patients the caller may see.
     */
    public Patient register(Actor actor, NewPatient in, String idempotencyKey, boolean confirmedDistinct) {
        String dispensary = Ids.requireExternal("dispensaryId", in.dispensaryId());
        AuditLog.Event event = AuditLog.Event.success(AuditAction.PATIENT_CREATE, "Patient", "new", null);
        if (!policy.mayRegisterPatient(actor, dispensary)) {
            throw audit.denied(actor, event.withDetail("dispensary " + dispensary),
                    "Only nurses of dispensary " + dispensary + " may register its patients");
        }
        String idem = idempotencyKey == null ? "" : RedisKeys.patientIdempotency(actor.userId(),
                Ids.requireExternal("idempotencyKey", idempotencyKey));
        Demographics d = validate(in);
        String language = in.preferredLanguage() == null || in.preferredLanguage().isBlank()
                ? "ar" : in.preferredLanguage().strip();
        if (!LANGUAGE.matcher(language).matches()) {
            throw RecordsException.invalid("preferredLanguage must be a language tag such as ar, fr, zgh or en");
        }
        String id = Ids.newId("pat");
        String key = RedisKeys.patient(id);
        Instant now = clock.instant();
        Envelope.Sealed sealed = envelope.seal(toJson(d), binding(id), key);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("dk", sealed.wrappedKey());
        fields.put("kv", Integer.toString(sealed.kekVersion()));
        fields.put("pii", sealed.ciphertext());
        fields.put("disp", dispensary);
        fields.put("lang", language);
        fields.put("consent", Boolean.toString(in.teleconsultationConsent()));
        fields.put("consentAt", now.toString());
        fields.put("consentBy", actor.userId());
        fields.put("createdAt", now.toString());
        fields.put("createdBy", actor.userId());
        // The request's fingerprint is a keyed hash too: it holds the demographics.
        String fingerprint = keyedHash("register", String.join("|", dispensary, d.fullName(),
                String.valueOf(d.birthDate()), String.valueOf(d.birthYear()), d.sex().name(), language,
                String.valueOf(d.nationalId()), String.valueOf(d.insuranceNumber()),
                Boolean.toString(in.teleconsultationConsent())));
        List<String> args = new ArrayList<>(List.of(id, Long.toString(now.toEpochMilli()), fingerprint,
                Long.toString(IDEMPOTENCY_SECONDS), confirmedDistinct ? "1" : "0"));
        fields.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        String nidKey = d.nationalId() == null ? "" : RedisKeys.nationalIdIndex(keyedHash("cnie", d.nationalId()));
        String insKey = d.insuranceNumber() == null ? ""
                : RedisKeys.insuranceIndex(keyedHash("ins", d.insuranceNumber()));
        String result = (String) register.run(redis, List.of(key, RedisKeys.dispensaryPatients(dispensary),
                RedisKeys.kekUsers(sealed.kekVersion()), nidKey, insKey, idem, nameIndex(dispensary, d)), args);
        if (result.startsWith("SAME:")) {
            return get(actor, result.substring("SAME:".length()));
        }
        if (result.equals("OTHER")) {
            throw new RecordsException(RecordsError.IDEMPOTENCY_KEY_REUSED,
                    "This idempotency key already registered another patient; use a new key for a new patient");
        }
        if (result.startsWith("DUP:")) {
            boolean byNationalId = result.startsWith("DUP:NATIONAL_ID:");
            String holder = result.substring(result.lastIndexOf(':') + 1);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("identifier", byNationalId ? "NATIONAL_ID" : "INSURANCE_NUMBER");
            List<Map<String, Object>> shown = shownAsDuplicates(actor, List.of(holder));
            if (!shown.isEmpty()) {
                details.put("existing", shown.get(0));
            }
            throw new RecordsException(RecordsError.PATIENT_DUPLICATE, "A patient with this "
                    + (byNationalId ? "national ID" : "insurance number")
                    + " is already registered; look them up instead", details);
        }
        if (result.startsWith("NAME:")) {
            List<Map<String, Object>> shown = shownAsDuplicates(actor,
                    List.of(result.substring("NAME:".length()).split(",")));
            throw new RecordsException(RecordsError.PATIENT_POSSIBLE_DUPLICATE, "A patient with the same name and "
                    + "birth year is already registered in this dispensary; use them, or confirm a different person"
                    + " (confirmedDistinct)", Map.of("candidates", shown));
        }
        audit.record(actor, AuditLog.Event.success(AuditAction.PATIENT_CREATE, "Patient", id, id));
        return view(id, fields, d);
    }

    /**
     * The existing patients a refused registration points to, as far as the caller may read them (a nurse: those of
     * her own dispensary): id, name and birth year, each showing audited as a read. Others are left out.
     */
    private List<Map<String, Object>> shownAsDuplicates(Actor actor, List<String> ids) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String candidate : ids) {
            Map<String, String> h = redis.hgetAll(RedisKeys.patient(candidate));
            if (h.isEmpty() || h.containsKey("erasedAt")
                    || !policy.mayReadPatient(actor, h.get("disp"), careTeam.includes(candidate, actor.userId()))) {
                continue;
            }
            Demographics d = decrypt(candidate, h);
            Map<String, Object> label = new LinkedHashMap<>();
            label.put("id", candidate);
            label.put("fullName", d.fullName());
            label.put("birthYear", d.birthYear());
            out.add(label);
            audit.record(actor, AuditLog.Event.success(AuditAction.PATIENT_READ, "Patient", candidate, candidate)
                    .withDetail("shown as a possible duplicate at registration"));
        }
        return out;
    }

    /** The dispensary's name index entry of a name and birth year: case, accents, spacing and punctuation ignored. */
    private String nameIndex(String dispensary, Demographics d) {
        return RedisKeys.dispensaryNameIndex(dispensary, keyedHash("name", foldName(d.fullName()) + "|" + d.birthYear()));
    }

    /**
     * A name as a nurse may spell it twice: compatibility forms and diacritics (Latin accents, Arabic short vowels
     * and hamza seats) removed, tatweel dropped, the Arabic letters often written one for the other made one,
     * lower case, anything but letters and digits a single space.
     */
    static String foldName(String name) {
        String s = Normalizer.normalize(name, Normalizer.Form.NFKD).replaceAll("\\p{M}", "")
                .replace("\u0640", "")
                .replace('\u0649', '\u064A')
                .replace('\u0629', '\u0647')
                .toLowerCase(Locale.ROOT);
        return s.replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }

    public Patient get(Actor actor, String patientId) {
        Map<String, String> h = load(patientId);
        checkRead(actor, patientId, h, AuditAction.PATIENT_READ);
        Patient p = view(patientId, h, decrypt(patientId, h));
        audit.record(actor, AuditLog.Event.success(AuditAction.PATIENT_READ, "Patient", patientId, patientId));
        return p;
    }

    /** Patients of a dispensary whose name contains {@code nameQuery} (accents and case ignored), sorted by name. */
    public List<Patient> ofDispensary(Actor actor, String dispensaryId, String nameQuery, int limit) {
        String dispensary = Ids.requireExternal("dispensaryId", dispensaryId);
        AuditLog.Event event = AuditLog.Event.success(AuditAction.PATIENT_SEARCH, "Dispensary", dispensary, null);
        if (!policy.mayListDispensary(actor, dispensary)) {
            throw audit.denied(actor, event, "You may not list the patients of dispensary " + dispensary);
        }
        int max = Math.max(1, Math.min(limit, 500));
        List<String> ids = redis.zrange(RedisKeys.dispensaryPatients(dispensary), 0, MAX_DISPENSARY_LISTING - 1);
        List<Response<Map<String, String>>> rows = new ArrayList<>();
        try (AbstractPipeline p = redis.pipelined()) {
            for (String id : ids) {
                rows.add(p.hgetAll(RedisKeys.patient(id)));
            }
            p.sync();
        }
        String needle = fold(nameQuery == null ? "" : nameQuery);
        List<Patient> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            Map<String, String> h = rows.get(i).get();
            if (h.isEmpty() || h.containsKey("erasedAt")) {
                continue;
            }
            Demographics d = decrypt(ids.get(i), h);
            if (needle.isEmpty() || fold(d.fullName()).contains(needle)) {
                out.add(view(ids.get(i), h, d));
            }
        }
        out.sort(Comparator.comparing((Patient p) -> fold(p.fullName())).thenComparing(Patient::id));
        List<Patient> page = out.size() > max ? List.copyOf(out.subList(0, max)) : List.copyOf(out);
        audit.record(actor, event.withDetail(page.size() + " patients listed"));
        return page;
    }

    /** Finds a patient by national ID or insurance number (through the keyed-hash index). */
    public Patient findByIdentifier(Actor actor, IdentifierType type, String value) {
        String normalised = normaliseIdentifier(type, value);
        String index = type == IdentifierType.NATIONAL_ID
                ? RedisKeys.nationalIdIndex(keyedHash("cnie", normalised))
                : RedisKeys.insuranceIndex(keyedHash("ins", normalised));
        String id = redis.get(index);
        if (id == null) {
            throw new RecordsException(RecordsError.PATIENT_NOT_FOUND, "No patient is registered with this "
                    + (type == IdentifierType.NATIONAL_ID ? "national ID" : "insurance number"));
        }
        Map<String, String> h = load(id);
        checkRead(actor, id, h, AuditAction.PATIENT_READ);
        Patient p = view(id, h, decrypt(id, h));
        audit.record(actor, AuditLog.Event.success(AuditAction.PATIENT_READ, "Patient", id, id)
                .withDetail("lookup by " + type.name().toLowerCase(Locale.ROOT)));
        return p;
    }

    public Patient recordConsent(Actor actor, String patientId, boolean teleconsultation) {
        Map<String, String> h = load(patientId);
        AuditLog.Event event = AuditLog.Event.success(AuditAction.PATIENT_UPDATE, "Patient", patientId, patientId)
                .withDetail("consent " + teleconsultation);
        if (!policy.mayRecordConsent(actor, h.get("disp"))) {
            throw audit.denied(actor, event, "Only a nurse of the patient's dispensary records their consent");
        }
        Instant now = clock.instant();
        writeWhileActive(patientId, RedisKeys.patient(patientId), Map.of("consent", Boolean.toString(teleconsultation),
                "consentAt", now.toString(), "consentBy", actor.userId()));
        audit.record(actor, event);
        return view(patientId, load(patientId), decrypt(patientId, h));
    }

    /**
     * Writes fields of a record of the patient (theirs or, say, a consultation's) in one atomic step with the check
     * that the patient exists and was not erased: {@code PATIENT_NOT_FOUND} or {@code PATIENT_ERASED} otherwise.
     */
    public void writeWhileActive(String patientId, String key, Map<String, String> fields) {
        List<String> args = new ArrayList<>();
        fields.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        Object r = guardedWrite.run(redis, List.of(RedisKeys.patient(patientId), key), args);
        refuseUnlessOk(patientId, r);
    }

    /** Turns the answer of a script that checks the patient ('NOT_FOUND', 'ERASED', 'OK') into a refusal. */
    private static void refuseUnlessOk(String patientId, Object scriptAnswer) {
        if ("ERASED".equals(scriptAnswer)) {
            throw erased(patientId);
        }
        if ("NOT_FOUND".equals(scriptAnswer)) {
            throw new RecordsException(RecordsError.PATIENT_NOT_FOUND, "Unknown patient " + patientId);
        }
    }

    public static RecordsException erased(String patientId) {
        return new RecordsException(RecordsError.PATIENT_ERASED,
                "The record of patient " + patientId + " was erased; nothing can be read or written for them");
    }

    /**
     * Legal erasure of the patient's identity (the caller checked the operator's right and audits): the encrypted
     * demographics and their data key are deleted, the national ID and insurance number index entries removed, the
     * patient leaves their dispensary's list, and from then on every read or write for them is refused with
     * {@code PATIENT_ERASED}. Idempotent, so an interrupted erasure can be run again.
     */
    public Erasure erase(String patientId) {
        if (!Ids.looksLike("pat", patientId)) {
            throw new RecordsException(RecordsError.PATIENT_NOT_FOUND, "Unknown patient " + patientId);
        }
        String key = RedisKeys.patient(patientId);
        Map<String, String> h = redis.hgetAll(key);
        if (h.isEmpty()) {
            throw new RecordsException(RecordsError.PATIENT_NOT_FOUND, "Unknown patient " + patientId);
        }
        boolean hadDemographics = h.containsKey("pii");
        List<String> indexes = new ArrayList<>();
        if (hadDemographics) {
            try {
                Demographics d = decrypt(patientId, h);
                if (d.nationalId() != null) {
                    indexes.add(RedisKeys.nationalIdIndex(keyedHash("cnie", d.nationalId())));
                }
                if (d.insuranceNumber() != null) {
                    indexes.add(RedisKeys.insuranceIndex(keyedHash("ins", d.insuranceNumber())));
                }
                indexes.add(nameIndex(h.getOrDefault("disp", ""), d));
            } catch (RecordsException unreadable) {
                indexes.addAll(indexEntriesOf(patientId));
            }
        }
        List<String> keys = new ArrayList<>(List.of(key, RedisKeys.dispensaryPatients(h.getOrDefault("disp", ""))));
        keys.addAll(indexes);
        Object removed = erase.run(redis, keys, List.of(patientId, clock.instant().toString(),
                RedisKeys.kekUsersPrefix()));
        if (((Long) removed) < 0) {
            throw new RecordsException(RecordsError.PATIENT_NOT_FOUND, "Unknown patient " + patientId);
        }
        return new Erasure(hadDemographics, ((Long) removed).intValue());
    }

    /** Identifier index entries pointing to the patient, found by a scan (when their demographics cannot be read). */
    private List<String> indexEntriesOf(String patientId) {
        List<String> out = new ArrayList<>();
        ScanParams params = new ScanParams().match(RedisKeys.PREFIX + "idx:*").count(500);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, params);
            cursor = page.getCursor();
            for (String k : page.getResult()) {
                if (patientId.equals(redis.get(k))) {
                    out.add(k);
                }
            }
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return out;
    }

    /** Plain facts for access decisions, without audit (callers audit their own operation). */
    public PatientFacts facts(String patientId) {
        Map<String, String> h = load(patientId);
        return new PatientFacts(patientId, h.get("disp"), Boolean.parseBoolean(h.get("consent")));
    }

    /** What a specialist rung about a patient is shown before answering: no name, no identifier. */
    public record RingSummary(Integer age, Sex sex, String dispensaryId) {
    }

    /**
     * The age on {@code today}, the sex and the dispensary of a patient a nurse is calling a specialist about, for the
     * specialist being rung. The nurse's call discloses them, so no care relation is required; the read is audited as
     * the specialist's. Empty for an unknown or erased patient (the call itself is refused or ends on its own).
     */
    public Optional<RingSummary> ringSummary(Actor specialist, String patientId, String callId, LocalDate today) {
        Map<String, String> h;
        try {
            h = load(patientId);
        } catch (RecordsException unknownOrErased) {
            return Optional.empty();
        }
        Demographics d = decrypt(patientId, h);
        Integer age = d.birthDate() != null ? Integer.valueOf(Period.between(d.birthDate(), today).getYears())
                : d.birthYear() != null ? Integer.valueOf(today.getYear() - d.birthYear()) : null;
        audit.record(specialist, AuditLog.Event.success(AuditAction.PATIENT_READ, "Patient", patientId, patientId)
                .withDetail("age and sex shown while call " + callId + " rang"));
        return Optional.of(new RingSummary(age, d.sex(), h.get("disp")));
    }

    /** Full demographics for the FHIR export; the caller has checked {@link AccessPolicy#mayExport}. */
    public PatientDetails details(String patientId) {
        Map<String, String> h = load(patientId);
        Demographics d = decrypt(patientId, h);
        return new PatientDetails(view(patientId, h, d), d.nationalId(), d.insuranceNumber());
    }

    private void checkRead(Actor actor, String patientId, Map<String, String> h, AuditAction action) {
        String disp = h.get("disp");
        boolean care = careTeam.includes(patientId, actor.userId());
        if (!policy.mayReadPatient(actor, disp, care)) {
            throw audit.denied(actor, AuditLog.Event.success(action, "Patient", patientId, patientId),
                    "You are not caring for this patient");
        }
    }

    private Map<String, String> load(String patientId) {
        if (!Ids.looksLike("pat", patientId)) {
            throw new RecordsException(RecordsError.PATIENT_NOT_FOUND, "Unknown patient " + patientId);
        }
        Map<String, String> h = redis.hgetAll(RedisKeys.patient(patientId));
        if (h.isEmpty()) {
            throw new RecordsException(RecordsError.PATIENT_NOT_FOUND, "Unknown patient " + patientId);
        }
        if (h.containsKey("erasedAt")) {
            throw erased(patientId);
        }
        return h;
    }

    private Demographics decrypt(String id, Map<String, String> h) {
        byte[] plain = envelope.open(h.get("dk"), h.get("pii"), binding(id), RedisKeys.patient(id));
        try {
            return JSON.readValue(plain, Demographics.class);
        } catch (java.io.IOException e) {
            throw RecordsException.integrity("The patient record " + id + " does not decode");
        }
    }

    private static String binding(String patientId) {
        return "patient=" + patientId + "|part=demographics";
    }

    private static byte[] toJson(Object o) {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise " + o.getClass().getSimpleName(), e);
        }
    }

    private Demographics validate(NewPatient in) {
        String name = in.fullName() == null ? "" : in.fullName().strip().replaceAll("\\s+", " ");
        if (name.isEmpty() || name.length() > 200) {
            throw RecordsException.invalid("fullName is required (at most 200 characters)");
        }
        if (in.birthDate() == null && in.birthYear() == null) {
            throw RecordsException.invalid("Either birthDate or birthYear is required");
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        if (in.birthDate() != null && (in.birthDate().isAfter(today) || in.birthDate().getYear() < 1890)) {
            throw RecordsException.invalid("birthDate must be a past date after 1890");
        }
        Integer year = in.birthDate() != null ? Integer.valueOf(in.birthDate().getYear()) : in.birthYear();
        if (year < 1890 || year > today.getYear()) {
            throw RecordsException.invalid("birthYear must be between 1890 and " + today.getYear());
        }
        if (in.birthDate() != null && in.birthYear() != null && in.birthYear() != in.birthDate().getYear()) {
            throw RecordsException.invalid("birthYear does not match birthDate");
        }
        Sex sex = in.sex() == null ? Sex.UNKNOWN : in.sex();
        String nid = in.nationalId() == null || in.nationalId().isBlank() ? null
                : normaliseIdentifier(IdentifierType.NATIONAL_ID, in.nationalId());
        String ins = in.insuranceNumber() == null || in.insuranceNumber().isBlank() ? null
                : normaliseIdentifier(IdentifierType.INSURANCE_NUMBER, in.insuranceNumber());
        return new Demographics(name, in.birthDate(), year, sex, nid, ins);
    }

    private static String normaliseIdentifier(IdentifierType type, String value) {
        String v = value == null ? "" : value.replaceAll("[\\s.]", "").toUpperCase(Locale.ROOT);
        if (type == IdentifierType.NATIONAL_ID && !NATIONAL_ID.matcher(v).matches()) {
            throw RecordsException.invalid("A national ID (CNIE) is one or two letters followed by up to 8 digits");
        }
        if (type == IdentifierType.INSURANCE_NUMBER && !INSURANCE.matcher(v).matches()) {
            throw RecordsException.invalid("An insurance number is 3-32 letters, digits or dashes");
        }
        return v;
    }

    private String keyedHash(String domain, String normalised) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(keys.lookupKey().getEncoded(), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((domain + "|" + normalised).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    private static String fold(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT).strip();
    }

    private static String mask(String v) {
        if (v == null) {
            return null;
        }
        int shown = Math.min(3, v.length() / 2);
        return "*".repeat(v.length() - shown) + v.substring(v.length() - shown);
    }

    private static Patient view(String id, Map<String, String> h, Demographics d) {
        return new Patient(id, d.fullName(), d.birthDate(), d.birthYear(), d.sex(), h.get("disp"), h.get("lang"),
                mask(d.nationalId()), mask(d.insuranceNumber()),
                new Consent(Boolean.parseBoolean(h.get("consent")), Instant.parse(h.get("consentAt")), h.get("consentBy")),
                Instant.parse(h.get("createdAt")), h.get("createdBy"));
    }
}
