package ma.tabiblink.records.note;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import ma.tabiblink.records.AccessPolicy.NoteAccess;
import ma.tabiblink.records.AccessPolicy;
import ma.tabiblink.records.Actor;
import ma.tabiblink.records.Ids;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.RedisKeys;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditLog;
import ma.tabiblink.records.audit.AuditOutcome;
import ma.tabiblink.records.breakglass.BreakGlassLimit;
import ma.tabiblink.records.breakglass.BreakGlassRegister;
import ma.tabiblink.records.consultation.Consultation;
import ma.tabiblink.records.consultation.Consultations;
import ma.tabiblink.records.keys.Envelope;
import ma.tabiblink.records.patient.PatientRegistry;
import ma.tabiblink.redisscript.RedisScript;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Consultation notes: one note per consultation, versioned. Only the latest version can be a draft; drafts are
 * replaced in place until signed, a signed version is never modified again and an amendment appends a new version.
 * Each write encrypts the content under a fresh data key (see {@link Envelope}) bound to patient, consultation, note
 * and version. Every read, write, sign and refusal is audited.
 */
public final class Notes {

    public static final int MAX_CONTENT_CHARS = 100_000;
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*");

    private final UnifiedJedis redis;
    private final Clock clock;
    private final Envelope envelope;
    private final AuditLog audit;
    private final AccessPolicy policy;
    private final Consultations consultations;
    private final SigningKeys signingKeys;
    private final BreakGlassRegister breakGlass;
    private final RedisScript createScript = RedisScript.load(Notes.class, "create.lua");
    private final RedisScript putScript = RedisScript.load(Notes.class, "put_version.lua");
    private final RedisScript signScript = RedisScript.load(Notes.class, "sign.lua");
    private final RedisScript shredScript = RedisScript.load(Notes.class, "shred.lua");

    public Notes(UnifiedJedis redis, Clock clock, Envelope envelope, AuditLog audit, AccessPolicy policy,
                 Consultations consultations, SigningKeys signingKeys, BreakGlassRegister breakGlass) {
        this.redis = redis;
        this.clock = clock;
        this.envelope = envelope;
        this.audit = audit;
        this.policy = policy;
        this.consultations = consultations;
        this.signingKeys = signingKeys;
        this.breakGlass = breakGlass;
    }

    /** Note header as stored. */
    private record Header(String id, String patientId, String consultationId, String dispensaryId, String authorId,
                          int latest, Instant createdAt) {
    }

    /** A signed version decrypted for the FHIR export. */
    public record ExportedVersion(NoteView view, byte[] text, String signature, String keyId) {
    }

    /** Writes the draft of the consultation's note: creates the note, or replaces its pending draft. */
    public NoteView writeDraft(Actor actor, String consultationId, NoteContent content) {
        if (!Ids.looksLike("con", consultationId)) {
            throw new RecordsException(RecordsError.CONSULTATION_NOT_FOUND, "Unknown consultation " + consultationId);
        }
        // One round trip for the consultation and its note id.
        Response<Map<String, String>> stored;
        Response<String> existingNote;
        try (AbstractPipeline p = redis.pipelined()) {
            stored = p.hgetAll(RedisKeys.consultation(consultationId));
            existingNote = p.get(RedisKeys.consultationNote(consultationId));
            p.sync();
        }
        Consultation c = Consultations.fromHash(consultationId, stored.get());
        AuditLog.Event event = AuditLog.Event.success(AuditAction.NOTE_CREATE, "Consultation", c.id(), c.patientId());
        if (!policy.mayWriteNote(actor, c.specialistId())) {
            throw audit.denied(actor, event, "Only the specialist of this consultation may write its note");
        }
        byte[] plain = serialise(content);
        String noteId = existingNote.get();
        if (noteId == null) {
            noteId = Ids.newId("note");
            Instant now = clock.instant();
            String versionKey = RedisKeys.noteVersion(noteId, 1);
            Envelope.Sealed sealed = envelope.seal(plain, binding(c.patientId(), c.id(), noteId, 1), versionKey);
            Map<String, String> note = new LinkedHashMap<>();
            note.put("patient", c.patientId());
            note.put("consultation", c.id());
            note.put("disp", c.dispensaryId());
            note.put("author", actor.userId());
            note.put("latest", "1");
            note.put("createdAt", now.toString());
            Map<String, String> version = versionFields(sealed, actor, now);
            List<String> args = new ArrayList<>(List.of(noteId, Integer.toString(note.size() * 2)));
            addPairs(args, note);
            addPairs(args, version);
            String r = (String) createScript.run(redis, List.of(RedisKeys.consultationNote(c.id()),
                    RedisKeys.note(noteId), versionKey, RedisKeys.patientNotes(c.patientId()),
                    RedisKeys.kekUsers(sealed.kekVersion()), RedisKeys.patient(c.patientId())), args);
            if (r.equals("ERASED")) {
                throw PatientRegistry.erased(c.patientId());
            }
            if (r.equals("OK")) {
                audit.record(actor, AuditLog.Event.success(AuditAction.NOTE_CREATE, "Note", noteId + "/1", c.patientId()));
                return fullView(new Header(noteId, c.patientId(), c.id(), c.dispensaryId(), actor.userId(), 1, now),
                        1, version, content, "FULL");
            }
            noteId = r.substring("EXISTS:".length());
        }
        Header h = header(noteId);
        if (!h.authorId().equals(actor.userId())) {
            throw audit.denied(actor, event, "Only the author may change this note");
        }
        return put(actor, h, content, plain, "replace", AuditAction.NOTE_CREATE);
    }

    /** Amends a signed note: appends a new draft version (sign it to make it the record); or edits a pending one. */
    public NoteView amend(Actor actor, String noteId, NoteContent content) {
        Header h = header(noteId);
        if (!policy.mayWriteNote(actor, h.authorId())) {
            throw audit.denied(actor, AuditLog.Event.success(AuditAction.NOTE_AMEND, "Note", h.id(), h.patientId()),
                    "Only the author may amend this note");
        }
        byte[] plain = serialise(content);
        Map<String, String> latest = redis.hgetAll(RedisKeys.noteVersion(h.id(), h.latest()));
        String mode = NoteStatus.DRAFT.name().equals(latest.get("status")) ? "replace" : "append";
        return put(actor, h, content, plain, mode, AuditAction.NOTE_AMEND);
    }

    private NoteView put(Actor actor, Header h, NoteContent content, byte[] plain, String mode, AuditAction action) {
        int version = mode.equals("append") ? h.latest() + 1 : h.latest();
        String versionKey = RedisKeys.noteVersion(h.id(), version);
        Instant now = clock.instant();
        Envelope.Sealed sealed = envelope.seal(plain, binding(h.patientId(), h.consultationId(), h.id(), version),
                versionKey);
        Map<String, String> fields = versionFields(sealed, actor, now);
        List<String> args = new ArrayList<>(List.of(Integer.toString(h.latest()), mode, RedisKeys.kekUsersPrefix()));
        addPairs(args, fields);
        String r = (String) putScript.run(redis, List.of(RedisKeys.note(h.id()), versionKey,
                RedisKeys.kekUsers(sealed.kekVersion()), RedisKeys.patient(h.patientId())), args);
        switch (r) {
            case "OK" -> {
            }
            case "ERASED" -> throw PatientRegistry.erased(h.patientId());
            case "NOT_DRAFT" -> throw new RecordsException(RecordsError.NOTE_NOT_DRAFT,
                    "Version " + version + " is signed; amend the note to change it");
            default -> throw new RecordsException(RecordsError.NOTE_DRAFT_PENDING,
                    "The note changed meanwhile; reload it and try again");
        }
        audit.record(actor, AuditLog.Event.success(action, "Note", h.id() + "/" + version, h.patientId()));
        return fullView(new Header(h.id(), h.patientId(), h.consultationId(), h.dispensaryId(), h.authorId(),
                version, h.createdAt()), version, fields, content, "FULL");
    }

    /** Signs the pending draft: the signature covers the content and its binding; the version becomes final. */
    public NoteView sign(Actor actor, String noteId) {
        Header h = header(noteId);
        int version = h.latest();
        AuditLog.Event event = AuditLog.Event.success(AuditAction.NOTE_SIGN, "Note", h.id() + "/" + version,
                h.patientId());
        if (!policy.mayWriteNote(actor, h.authorId())) {
            throw audit.denied(actor, event, "Only the author may sign this note");
        }
        String versionKey = RedisKeys.noteVersion(h.id(), version);
        Map<String, String> v = loadVersion(h, version);
        if (!NoteStatus.DRAFT.name().equals(v.get("status"))) {
            throw new RecordsException(RecordsError.NOTE_NOT_DRAFT, "The latest version is already signed");
        }
        if (v.containsKey("shreddedAt") && redis.hexists(RedisKeys.patient(h.patientId()), "erasedAt")) {
            throw PatientRegistry.erased(h.patientId());
        }
        byte[] plain = decrypt(h, version, v);
        Instant signedAt = clock.instant();
        SigningKeys.Signed signed = signingKeys.sign(actor.userId(),
                signingInput(h, version, actor.userId(), signedAt, plain));
        NoteStatus status = version == 1 ? NoteStatus.FINAL : NoteStatus.AMENDED;
        Map<String, String> f = new LinkedHashMap<>();
        f.put("status", status.name());
        f.put("signer", actor.userId());
        f.put("signedAt", signedAt.toString());
        f.put("sig", signed.signature());
        f.put("sigAlg", SigningKeys.ALGORITHM);
        f.put("sigKey", signed.keyId());
        List<String> args = new ArrayList<>(List.of(v.get("dk")));
        addPairs(args, f);
        String r = (String) signScript.run(redis, List.of(versionKey, RedisKeys.patient(h.patientId())), args);
        if (r.equals("ERASED")) {
            throw PatientRegistry.erased(h.patientId());
        }
        if (!r.equals("OK")) {
            throw new RecordsException(r.equals("NOT_DRAFT") ? RecordsError.NOTE_NOT_DRAFT : RecordsError.NOTE_DRAFT_PENDING,
                    "The note changed while it was being signed; reload it and sign again");
        }
        audit.record(actor, event);
        v.putAll(f);
        return fullView(h, version, v, parse(plain), "FULL");
    }

    /** Reads a version (null: the latest the reader may see), showing only the sections the reader may read. */
    public NoteView read(Actor actor, String noteId, Integer version) {
        Header h = header(noteId);
        int wanted = version == null ? h.latest() : version;
        checkVersionNumber(h, wanted);
        // One round trip for the care relationship and the version.
        Response<Boolean> inCareTeam;
        Response<Map<String, String>> stored;
        try (AbstractPipeline p = redis.pipelined()) {
            inCareTeam = p.sismember(RedisKeys.careTeam(h.patientId()), actor.userId());
            stored = p.hgetAll(RedisKeys.noteVersion(h.id(), wanted));
            p.sync();
        }
        boolean care = inCareTeam.get();
        Map<String, String> v = stored.get();
        if (v.isEmpty()) {
            throw new RecordsException(RecordsError.NOTE_VERSION_NOT_FOUND,
                    "Version " + wanted + " of note " + h.id() + " does not exist");
        }
        boolean draft = NoteStatus.DRAFT.name().equals(v.get("status"));
        NoteAccess access = policy.noteAccess(actor, h.dispensaryId(), care, h.authorId(), draft);
        if (access == NoteAccess.NONE && version == null && draft && wanted > 1) {
            wanted = wanted - 1;
            v = loadVersion(h, wanted);
            access = policy.noteAccess(actor, h.dispensaryId(), care, h.authorId(), false);
        }
        AuditLog.Event event = AuditLog.Event.success(AuditAction.NOTE_READ, "Note", h.id() + "/" + wanted,
                h.patientId());
        if (access == NoteAccess.NONE) {
            // A reader who will see the note once it is signed learns that it is not signed yet.
            if (draft && version == null
                    && policy.noteAccess(actor, h.dispensaryId(), care, h.authorId(), false) != NoteAccess.NONE) {
                audit.record(actor, event.withOutcome(AuditOutcome.FAILED).withDetail("not signed yet"));
                throw new RecordsException(RecordsError.NOTE_VERSION_NOT_FOUND, "This note is not signed yet");
            }
            throw audit.denied(actor, event, "You may not read this note");
        }
        byte[] plain = decrypt(h, wanted, v);
        audit.record(actor, event.withDetail(access.name()));
        NoteContent content = parse(plain);
        return access == NoteAccess.FULL ? fullView(h, wanted, v, content, "FULL")
                : restrictedView(h, wanted, v, content, "CARE_PLAN");
    }

    /**
     * Emergency access to a signed version the reader could not otherwise read: the whole note for a specialist, its
     * care-plan sections for a nurse. Never a draft: without a version, the latest signed one. Rate-limited per user
     * ({@code BREAK_GLASS_RATE_LIMITED}); the reason is audited and the access raises an alert for administrators.
     */
    public NoteView breakGlass(Actor actor, String noteId, Integer version, String reason) {
        Header h = header(noteId);
        int wanted = version == null ? h.latest() : version;
        checkVersionNumber(h, wanted);
        AuditLog.Event event = AuditLog.Event.success(AuditAction.BREAK_GLASS_READ, "Note", h.id() + "/" + wanted,
                h.patientId());
        NoteAccess access = policy.breakGlassAccess(actor);
        if (access == NoteAccess.NONE) {
            throw audit.denied(actor, event, "Only clinical staff may use emergency access");
        }
        String why = reason == null ? "" : reason.strip();
        if (why.length() < AccessPolicy.MIN_BREAK_GLASS_REASON || why.length() > 500) {
            throw new RecordsException(RecordsError.BREAK_GLASS_REASON_REQUIRED,
                    "Emergency access needs a reason of " + AccessPolicy.MIN_BREAK_GLASS_REASON + "-500 characters");
        }
        Map<String, String> v = loadVersion(h, wanted);
        if (NoteStatus.DRAFT.name().equals(v.get("status"))) {
            // A draft is its author's work in progress, never part of the record: not even in an emergency.
            if (version != null) {
                throw audit.denied(actor, event.withDetail("draft"),
                        "Emergency access reads signed versions only; this version is a draft");
            }
            if (wanted == 1) {
                audit.record(actor, event.withOutcome(AuditOutcome.FAILED).withDetail("not signed yet"));
                throw new RecordsException(RecordsError.NOTE_VERSION_NOT_FOUND, "This note is not signed yet");
            }
            wanted = wanted - 1;
            v = loadVersion(h, wanted);
            event = AuditLog.Event.success(AuditAction.BREAK_GLASS_READ, "Note", h.id() + "/" + wanted, h.patientId());
        }
        if (!breakGlass.allow(actor.userId())) {
            audit.record(actor, event.withOutcome(AuditOutcome.DENIED).withDetail("rate limited"));
            BreakGlassLimit limit = breakGlass.limit();
            throw new RecordsException(RecordsError.BREAK_GLASS_RATE_LIMITED, "Emergency access is limited to "
                    + limit.maxAccesses() + " per " + limit.window().toString().substring(2).toLowerCase(Locale.ROOT)
                    + "; ask an administrator");
        }
        byte[] plain = decrypt(h, wanted, v);
        audit.record(actor, event.withDetail(why));
        breakGlass.record(actor, h.patientId(), h.id(), wanted, why);
        NoteContent content = parse(plain);
        return access == NoteAccess.FULL ? fullView(h, wanted, v, content, "BREAK_GLASS")
                : restrictedView(h, wanted, v, content, "BREAK_GLASS");
    }

    /** Verifies a signed version's signature against the signer's public key. */
    public SignatureCheck verifySignature(Actor actor, String noteId, int version) {
        Header h = header(noteId);
        checkVersionNumber(h, version);
        boolean care = redis.sismember(RedisKeys.careTeam(h.patientId()), actor.userId());
        AuditLog.Event event = AuditLog.Event.success(AuditAction.NOTE_VERIFY, "Note", h.id() + "/" + version,
                h.patientId());
        Map<String, String> v = loadVersion(h, version);
        if (policy.noteAccess(actor, h.dispensaryId(), care, h.authorId(), false) != NoteAccess.FULL) {
            throw audit.denied(actor, event, "You may not verify this note");
        }
        SignatureCheck check = check(h, version, v);
        audit.record(actor, event.withDetail(check.valid() ? "valid" : "invalid"));
        return check;
    }

    /** Metadata (no content) of a patient's notes, for anyone who may read the patient's consultations. */
    public List<NoteSummary> ofPatient(Actor actor, String patientId) {
        consultations.ofPatient(actor, patientId);
        return summariesOf(noteIdsOf(patientId));
    }

    /** Metadata of the consultation's note (empty list when none was written), for those who may read it. */
    public List<NoteSummary> ofConsultation(Actor actor, String consultationId) {
        consultations.get(actor, consultationId);
        return summariesOf(noteIdOf(consultationId).stream().toList());
    }

    private List<NoteSummary> summariesOf(List<String> noteIds) {
        List<NoteSummary> out = new ArrayList<>();
        for (String id : noteIds) {
            Header h = header(id);
            String status = redis.hget(RedisKeys.noteVersion(id, h.latest()), "status");
            out.add(new NoteSummary(h.id(), h.patientId(), h.consultationId(), h.authorId(), h.latest(),
                    status == null ? NoteStatus.DRAFT : NoteStatus.valueOf(status), h.createdAt()));
        }
        return out;
    }

    private Optional<String> noteIdOf(String consultationId) {
        return Optional.ofNullable(redis.get(RedisKeys.consultationNote(consultationId)));
    }

    private List<String> noteIdsOf(String patientId) {
        return List.copyOf(redis.smembers(RedisKeys.patientNotes(patientId)));
    }

    /** Every signed, readable version of a patient's notes, decrypted, for the FHIR export (caller checked access). */
    public List<ExportedVersion> signedVersionsOf(String patientId) {
        List<ExportedVersion> out = new ArrayList<>();
        for (String id : noteIdsOf(patientId)) {
            Header h = header(id);
            for (int n = 1; n <= h.latest(); n++) {
                Map<String, String> v = loadVersion(h, n);
                if (NoteStatus.DRAFT.name().equals(v.get("status")) || v.containsKey("shreddedAt")) {
                    continue;
                }
                byte[] plain = decrypt(h, n, v);
                out.add(new ExportedVersion(fullView(h, n, v, parse(plain), "FULL"), plain, v.get("sig"),
                        v.get("sigKey")));
            }
        }
        return out;
    }

    /** Crypto-shredding: destroys the data keys of every version of every note of the patient. */
    public int shredPatient(String patientId) {
        int destroyed = 0;
        String now = clock.instant().toString();
        for (String id : noteIdsOf(patientId)) {
            Header h = header(id);
            for (int n = 1; n <= h.latest(); n++) {
                Object r = shredScript.run(redis, List.of(RedisKeys.noteVersion(id, n)),
                        List.of(RedisKeys.kekUsersPrefix(), now));
                destroyed += ((Long) r).intValue();
            }
        }
        return destroyed;
    }

    /** Operator verify of one stored note version: decrypts and checks its signature; returns a problem or null. */
    public String verifyStored(String noteId, int version) {
        try {
            Header h = header(noteId);
            Map<String, String> v = loadVersion(h, version);
            if (v.containsKey("shreddedAt")) {
                return null;
            }
            decrypt(h, version, v);
            if (!NoteStatus.DRAFT.name().equals(v.get("status"))) {
                SignatureCheck c = check(h, version, v);
                if (!c.valid()) {
                    return c.problem();
                }
            }
            return null;
        } catch (RecordsException e) {
            return e.code() + ": " + e.getMessage();
        }
    }

    private SignatureCheck check(Header h, int version, Map<String, String> v) {
        if (NoteStatus.DRAFT.name().equals(v.get("status"))) {
            return new SignatureCheck(h.id(), version, false, null, null, null, null, "This version is not signed");
        }
        String signer = v.get("signer");
        Instant signedAt;
        try {
            signedAt = Instant.parse(v.get("signedAt"));
        } catch (RuntimeException e) {
            return new SignatureCheck(h.id(), version, false, signer, v.get("sigKey"), v.get("sigAlg"), null,
                    "The signature time is damaged");
        }
        byte[] plain;
        try {
            plain = decrypt(h, version, v);
        } catch (RecordsException e) {
            return new SignatureCheck(h.id(), version, false, signer, v.get("sigKey"), v.get("sigAlg"), signedAt,
                    e.getMessage());
        }
        boolean ok = signer != null && signer.equals(h.authorId())
                && signingKeys.verify(signer, v.get("sigKey"), signingInput(h, version, signer, signedAt, plain),
                v.get("sig"));
        return new SignatureCheck(h.id(), version, ok, signer, v.get("sigKey"), v.get("sigAlg"), signedAt,
                ok ? "ok" : "The signature does not match the note's content, version or signer");
    }

    private static byte[] signingInput(Header h, int version, String signer, Instant signedAt, byte[] plain) {
        try {
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(plain));
            String text = "tabib-link/note-signature/v1\n" + h.id() + "\n" + version + "\n" + h.patientId() + "\n"
                    + h.consultationId() + "\n" + signer + "\n" + signedAt + "\n" + digest;
            return text.getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Header header(String noteId) {
        if (!Ids.looksLike("note", noteId)) {
            throw new RecordsException(RecordsError.NOTE_NOT_FOUND, "Unknown note " + noteId);
        }
        Map<String, String> n = redis.hgetAll(RedisKeys.note(noteId));
        if (n.isEmpty()) {
            throw new RecordsException(RecordsError.NOTE_NOT_FOUND, "Unknown note " + noteId);
        }
        return new Header(noteId, n.get("patient"), n.get("consultation"), n.get("disp"), n.get("author"),
                Integer.parseInt(n.get("latest")), Instant.parse(n.get("createdAt")));
    }

    private static void checkVersionNumber(Header h, int version) {
        if (version < 1 || version > h.latest()) {
            throw new RecordsException(RecordsError.NOTE_VERSION_NOT_FOUND,
                    "Note " + h.id() + " has versions 1 to " + h.latest());
        }
    }

    private Map<String, String> loadVersion(Header h, int version) {
        Map<String, String> v = redis.hgetAll(RedisKeys.noteVersion(h.id(), version));
        if (v.isEmpty()) {
            throw new RecordsException(RecordsError.NOTE_VERSION_NOT_FOUND,
                    "Version " + version + " of note " + h.id() + " does not exist");
        }
        return v;
    }

    private byte[] decrypt(Header h, int version, Map<String, String> v) {
        if (v.containsKey("shreddedAt")) {
            throw new RecordsException(RecordsError.NOTE_SHREDDED,
                    "This note was erased (its keys were destroyed on " + v.get("shreddedAt") + ")");
        }
        return envelope.open(v.get("dk"), v.get("ct"), binding(h.patientId(), h.consultationId(), h.id(), version),
                RedisKeys.noteVersion(h.id(), version));
    }

    private static String binding(String patientId, String consultationId, String noteId, int version) {
        return "patient=" + patientId + "|consultation=" + consultationId + "|note=" + noteId + "|version=" + version;
    }

    private static Map<String, String> versionFields(Envelope.Sealed sealed, Actor actor, Instant now) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("dk", sealed.wrappedKey());
        f.put("kv", Integer.toString(sealed.kekVersion()));
        f.put("ct", sealed.ciphertext());
        f.put("status", NoteStatus.DRAFT.name());
        f.put("author", actor.userId());
        f.put("createdAt", now.toString());
        return f;
    }

    private static void addPairs(List<String> args, Map<String, String> fields) {
        fields.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
    }

    private static byte[] serialise(NoteContent content) {
        if (content == null || content.sections().isEmpty()) {
            throw RecordsException.invalid("A note needs text in at least one section");
        }
        int total = content.sections().values().stream().mapToInt(String::length).sum();
        if (total > MAX_CONTENT_CHARS) {
            throw RecordsException.invalid("A note holds at most " + MAX_CONTENT_CHARS + " characters");
        }
        String lang = content.language() == null || content.language().isBlank() ? "fr" : content.language().strip();
        if (!LANGUAGE.matcher(lang).matches()) {
            throw RecordsException.invalid("language must be a language tag such as fr or ar");
        }
        return NoteCodec.encode(new NoteContent(content.reason(), content.history(), content.findings(),
                content.assessment(), content.plan(), content.prescription(), content.followUp(), content.freeText(),
                lang));
    }

    private static NoteContent parse(byte[] plain) {
        return NoteCodec.decode(plain);
    }

    private static NoteView fullView(Header h, int version, Map<String, String> v, NoteContent c, String access) {
        return view(h, version, v, c, access, c.sections(), EnumSet.noneOf(NoteSection.class));
    }

    private static NoteView restrictedView(Header h, int version, Map<String, String> v, NoteContent c,
                                           String access) {
        Map<NoteSection, String> visible = new EnumMap<>(NoteSection.class);
        Set<NoteSection> withheld = EnumSet.noneOf(NoteSection.class);
        c.sections().forEach((s, text) -> {
            if (NoteSection.CARE_PLAN.contains(s)) {
                visible.put(s, text);
            } else {
                withheld.add(s);
            }
        });
        return view(h, version, v, c, access, visible, withheld);
    }

    private static NoteView view(Header h, int version, Map<String, String> v, NoteContent c, String access,
                                 Map<NoteSection, String> sections, Set<NoteSection> withheld) {
        String signedAt = v.get("signedAt");
        return new NoteView(h.id(), version, h.latest(), h.patientId(), h.consultationId(), h.authorId(),
                NoteStatus.valueOf(v.get("status")), Instant.parse(v.get("createdAt")),
                signedAt == null ? null : Instant.parse(signedAt), v.get("signer"), c.language(), access,
                Map.copyOf(sections), Set.copyOf(withheld));
    }
}
