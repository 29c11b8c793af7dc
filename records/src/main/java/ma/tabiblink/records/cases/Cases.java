package ma.tabiblink.records.cases;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import ma.tabiblink.records.AccessPolicy;
import ma.tabiblink.records.AccessPolicy.CaseAccess;
import ma.tabiblink.records.Actor;
import ma.tabiblink.records.Ids;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.RedisKeys;
import ma.tabiblink.records.ReplicaAcknowledgement;
import ma.tabiblink.records.Role;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditLog;
import ma.tabiblink.records.consultation.Consultation;
import ma.tabiblink.records.consultation.ConsultationMode;
import ma.tabiblink.records.consultation.ConsultationOrigin;
import ma.tabiblink.records.consultation.ConsultationStatus;
import ma.tabiblink.records.consultation.Consultations;
import ma.tabiblink.records.consultation.OpenConsultation;
import ma.tabiblink.records.keys.Envelope;
import ma.tabiblink.records.note.NoteStatus;
import ma.tabiblink.records.note.NoteSummary;
import ma.tabiblink.records.note.Notes;
import ma.tabiblink.records.patient.PatientRegistry;
import ma.tabiblink.redisscript.RedisScript;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Store-and-forward tele-expertise: a nurse sends a specialty a question about a patient of her dispensary, with
 * vitals, photos and a voice note; a specialist of that specialty claims it, may ask her for more, and answers with a
 * signed consultation note.
 *
 * <p>The question, the vitals, every attachment, every chunk of an attachment still uploading and every message are
 * sealed like notes (a fresh data key each, bound to case, part and number). Attachments arrive in chunks that each
 * start where the upload stands, so a cut connection continues at the offset it reached; their type is recognised
 * from their content and photos lose their metadata before being sealed whole. A case is visible to specialists only
 * once sent, and it cannot be sent while an attachment is still uploading. Claiming a case opens an asynchronous
 * consultation for the claimer: that is what lets them read the patient and write the answer with the notes of
 * {@link Notes}. Every access is audited.
 */
public final class Cases {

    public static final int MAX_QUESTION_CHARS = 4000;
    public static final int MAX_MESSAGE_CHARS = 2000;
    public static final int MAX_PHOTOS = 6;
    public static final int MAX_VOICE_NOTES = 1;
    /** Chunks are at most this big; all but the last at least {@link #MIN_CHUNK_BYTES}, which bounds their number. */
    public static final int MAX_CHUNK_BYTES = 256 * 1024;
    public static final int MIN_CHUNK_BYTES = 32 * 1024;
    public static final int MAX_LISTING = 500;
    /** How long an idempotency key is remembered: longer than any tablet stays offline with its outbox. */
    private static final long IDEMPOTENCY_SECONDS = 14 * 24 * 3600;
    /** Inbox scores: urgency first (this many ms apart, over 300 years), then age. */
    private static final double URGENCY_STEP = 1e13;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final UnifiedJedis redis;
    private final Clock clock;
    private final Envelope envelope;
    private final AuditLog audit;
    private final AccessPolicy policy;
    private final PatientRegistry patients;
    private final Consultations consultations;
    private final Notes notes;
    private final ServiceLevels serviceLevels;
    private final ReplicaAcknowledgement acknowledgement;
    private final RedisScript createScript = RedisScript.load(Cases.class, "create.lua");
    private final RedisScript beginScript = RedisScript.load(Cases.class, "begin_attachment.lua");
    private final RedisScript chunkScript = RedisScript.load(Cases.class, "append_chunk.lua");
    private final RedisScript completeScript = RedisScript.load(Cases.class, "complete_attachment.lua");
    private final RedisScript discardScript = RedisScript.load(Cases.class, "discard_attachment.lua");
    private final RedisScript transitionScript = RedisScript.load(Cases.class, "transition.lua");
    private final RedisScript shredScript = RedisScript.load(Cases.class, "shred.lua");

    public Cases(UnifiedJedis redis, Clock clock, Envelope envelope, AuditLog audit, AccessPolicy policy,
                 PatientRegistry patients, Consultations consultations, Notes notes, ServiceLevels serviceLevels,
                 ReplicaAcknowledgement acknowledgement) {
        this.redis = redis;
        this.clock = clock;
        this.envelope = envelope;
        this.audit = audit;
        this.policy = policy;
        this.patients = patients;
        this.consultations = consultations;
        this.notes = notes;
        this.serviceLevels = serviceLevels;
        this.acknowledgement = acknowledgement;
    }

    /** The sealed part of a case. */
    record Content(String question, Vitals vitals) {
    }

    // --- the nurse writes and sends ---

    /** Creates a draft case; the same idempotency key for the same patient, specialty and urgency returns it again. */
    public TeleExpertiseCase create(Actor actor, NewCase in) {
        if (in == null) {
            throw RecordsException.invalid("A case is required");
        }
        PatientRegistry.PatientFacts patient = patients.facts(in.patientId());
        AuditLog.Event event = AuditLog.Event.success(AuditAction.CASE_CREATE, "Case", "new", patient.id());
        if (!policy.mayWriteCase(actor, patient.dispensaryId())) {
            throw audit.denied(actor, event, "Only a nurse of the patient's dispensary sends a case about them");
        }
        String specialty = Ids.requireExternal("specialty", in.specialty());
        String key = Ids.requireExternal("idempotencyKey", in.idempotencyKey());
        if (in.urgency() == null) {
            throw RecordsException.invalid("urgency is required: URGENT, PRIORITY or ROUTINE");
        }
        String question = in.question() == null ? "" : in.question().strip();
        if (question.isEmpty() || question.length() > MAX_QUESTION_CHARS) {
            throw RecordsException.invalid("question must be 1-" + MAX_QUESTION_CHARS + " characters");
        }
        Vitals vitals = in.vitals() == null ? Vitals.NONE : in.vitals().validated();
        if (!patient.consent()) {
            throw new RecordsException(RecordsError.CONSENT_REQUIRED,
                    "The patient has not consented to teleconsultation; record their consent first");
        }
        String id = Ids.newId("case");
        String caseKey = RedisKeys.teleCase(id);
        Instant now = clock.instant();
        Envelope.Sealed sealed = envelope.seal(toJson(new Content(question, vitals)), binding(id, "content"), caseKey);
        Map<String, String> f = new LinkedHashMap<>();
        f.put("id", id);
        f.put("patient", patient.id());
        f.put("disp", patient.dispensaryId());
        f.put("nurse", actor.userId());
        f.put("specialty", specialty);
        f.put("urgency", in.urgency().name());
        f.put("status", CaseStatus.DRAFT.name());
        f.put("createdAt", now.toString());
        f.put("claims", "0");
        f.put("messages", "0");
        f.put("dk", sealed.wrappedKey());
        f.put("kv", Integer.toString(sealed.kekVersion()));
        f.put("ct", sealed.ciphertext());
        List<String> args = new ArrayList<>(List.of(id, patient.id() + "/" + specialty + "/" + in.urgency(),
                Long.toString(now.toEpochMilli()), Long.toString(IDEMPOTENCY_SECONDS)));
        pairs(f, args);
        String result = (String) createScript.run(redis, List.of(RedisKeys.caseIdempotency(actor.userId(), key),
                caseKey, RedisKeys.patient(patient.id()), RedisKeys.dispensaryCases(patient.dispensaryId()),
                RedisKeys.patientCases(patient.id()), RedisKeys.kekUsers(sealed.kekVersion())), args);
        switch (result) {
            case "NEW" -> audit.record(actor, AuditLog.Event.success(AuditAction.CASE_CREATE, "Case", id, patient.id())
                    .withDetail(specialty + " " + in.urgency()));
            case "OTHER" -> throw new RecordsException(RecordsError.CASE_STATE_CONFLICT,
                    "This idempotency key already sent another case; use a new key for a new case");
            case "NOT_FOUND" -> throw new RecordsException(RecordsError.PATIENT_NOT_FOUND,
                    "Unknown patient " + patient.id());
            case "ERASED" -> throw PatientRegistry.erased(patient.id());
            default -> {
                return get(actor, result.substring("SAME:".length()));
            }
        }
        return get(actor, id);
    }

    /**
     * Begins (or, with the same idempotency key, finds again) the upload of an attachment of {@code declaredBytes};
     * the answer says where to continue.
     */
    public AttachmentInfo beginAttachment(Actor actor, String caseId, AttachmentKind kind, long declaredBytes,
                                          String idempotencyKey) {
        Map<String, String> c = writable(actor, caseId, "attach");
        if (kind == null) {
            throw RecordsException.invalid("kind is required: PHOTO or VOICE_NOTE");
        }
        String key = Ids.requireExternal("idempotencyKey", idempotencyKey);
        if (declaredBytes <= 0) {
            throw RecordsException.invalid("The attachment's size in bytes is required");
        }
        if (declaredBytes > kind.maxBytes()) {
            throw new RecordsException(RecordsError.ATTACHMENT_TOO_LARGE, "A " + kind.name().toLowerCase()
                    + " may be at most " + kind.maxBytes() / 1024 + " KB");
        }
        String attachmentId = Ids.newId("att");
        Instant now = clock.instant();
        Map<String, String> f = new LinkedHashMap<>();
        f.put("id", attachmentId);
        f.put("kind", kind.name());
        f.put("declared", Long.toString(declaredBytes));
        f.put("received", "0");
        f.put("chunks", "");
        f.put("complete", "false");
        f.put("idem", key);
        f.put("createdAt", now.toString());
        List<String> args = new ArrayList<>(List.of(attachmentId, kind.name(), Integer.toString(maxOf(kind)),
                Long.toString(IDEMPOTENCY_SECONDS)));
        pairs(f, args);
        String result = (String) beginScript.run(redis, List.of(RedisKeys.teleCase(caseId),
                RedisKeys.patient(c.get("patient")), RedisKeys.caseAttachments(caseId), RedisKeys.caseUploads(caseId),
                RedisKeys.caseAttachment(caseId, attachmentId), RedisKeys.caseAttachmentIdempotency(caseId, key)),
                args);
        switch (result) {
            case "NEW" -> audit.record(actor, event(AuditAction.CASE_UPDATE, c, "attachment " + attachmentId
                    + " begun, " + kind + " of " + declaredBytes + " bytes"));
            case "LIMIT" -> throw new RecordsException(RecordsError.ATTACHMENT_LIMIT_REACHED, "A case holds at most "
                    + MAX_PHOTOS + " photos and " + MAX_VOICE_NOTES + " voice note");
            case "ERASED" -> throw PatientRegistry.erased(c.get("patient"));
            default -> {
                if (result.startsWith("STATE:")) {
                    throw stateConflict(result, "add an attachment to");
                }
                // A retry: what its first attempt wrote may not be on the replicas yet.
                acknowledgement.confirm(redis);
                return attachmentInfo(loadAttachment(caseId, result.substring("SAME:".length())));
            }
        }
        return attachmentInfo(loadAttachment(caseId, attachmentId));
    }

    /** Where an upload stands, to resume it after a cut. */
    public AttachmentInfo attachmentProgress(Actor actor, String caseId, String attachmentId) {
        writable(actor, caseId, "read the upload of");
        return attachmentInfo(loadAttachment(caseId, attachmentId));
    }

    /**
     * Adds the chunk that starts at {@code offset} (which must be where the upload stands:
     * {@code UPLOAD_OFFSET_MISMATCH} names that offset otherwise). The last chunk completes the attachment: its
     * content is checked, stripped of metadata and sealed whole, or the attachment is discarded with the reason.
     * A chunk is answered as received only once the replicas the acknowledgement asks for hold it.
     */
    public AttachmentInfo appendChunk(Actor actor, String caseId, String attachmentId, long offset, byte[] chunk) {
        Map<String, String> c = writable(actor, caseId, "attach");
        Map<String, String> a = loadAttachment(caseId, attachmentId);
        AttachmentKind kind = AttachmentKind.valueOf(a.get("kind"));
        long declared = Long.parseLong(a.get("declared"));
        if (chunk == null || chunk.length == 0 || chunk.length > MAX_CHUNK_BYTES) {
            throw RecordsException.invalid("A chunk holds 1 to " + MAX_CHUNK_BYTES + " bytes");
        }
        if (offset < 0) {
            throw RecordsException.invalid("offset must not be negative");
        }
        if (offset + chunk.length < declared && chunk.length < MIN_CHUNK_BYTES) {
            throw RecordsException.invalid("Every chunk but the last holds at least " + MIN_CHUNK_BYTES + " bytes");
        }
        if (offset == 0 && chunk.length >= 12 && AttachmentContent.recognise(kind, chunk).isEmpty()) {
            discard(caseId, a);
            throw new RecordsException(RecordsError.ATTACHMENT_TYPE_REFUSED, kind == AttachmentKind.PHOTO
                    ? "A photo must be a JPEG or PNG image" : "A voice note must be WebM or Ogg audio");
        }
        String chunkKey = RedisKeys.caseChunk(caseId, attachmentId, offset);
        Envelope.Sealed sealed = envelope.seal(chunk, binding(caseId, "attachment=" + attachmentId + "|chunk="
                + offset), chunkKey);
        List<String> chunkKeys = List.of(RedisKeys.caseAttachment(caseId, attachmentId), chunkKey,
                RedisKeys.kekUsers(sealed.kekVersion()), RedisKeys.patient(c.get("patient")));
        Object result = acknowledgement.runConfirmed(chunkScript, redis, chunkKeys, List.of(Long.toString(offset),
                Integer.toString(chunk.length), sealed.wrappedKey(), Integer.toString(sealed.kekVersion()),
                sealed.ciphertext()));
        if (result instanceof Long received) {
            if (received == declared) {
                complete(actor, c, loadAttachment(caseId, attachmentId));
            }
            return attachmentInfo(loadAttachment(caseId, attachmentId));
        }
        String outcome = (String) result;
        if (outcome.startsWith("OFFSET:")) {
            throw new RecordsException(RecordsError.UPLOAD_OFFSET_MISMATCH, "The upload stands at "
                    + outcome.substring("OFFSET:".length()) + " bytes; continue from there");
        }
        return switch (outcome) {
            case "COMPLETE" -> attachmentInfo(loadAttachment(caseId, attachmentId));
            case "TOO_LARGE" -> throw new RecordsException(RecordsError.ATTACHMENT_TOO_LARGE,
                    "The chunk goes past the " + declared + " bytes announced for this attachment");
            case "ERASED" -> throw PatientRegistry.erased(c.get("patient"));
            default -> throw attachmentNotFound(attachmentId);
        };
    }

    private void complete(Actor actor, Map<String, String> c, Map<String, String> a) {
        String caseId = c.get("id");
        String attachmentId = a.get("id");
        AttachmentKind kind = AttachmentKind.valueOf(a.get("kind"));
        List<Long> offsets = chunkOffsets(a);
        ByteArrayOutputStream whole = new ByteArrayOutputStream(Integer.parseInt(a.get("declared")));
        List<Response<Map<String, String>>> rows = new ArrayList<>();
        try (AbstractPipeline p = redis.pipelined()) {
            for (long offset : offsets) {
                rows.add(p.hgetAll(RedisKeys.caseChunk(caseId, attachmentId, offset)));
            }
            p.sync();
        }
        for (int i = 0; i < offsets.size(); i++) {
            String chunkKey = RedisKeys.caseChunk(caseId, attachmentId, offsets.get(i));
            Map<String, String> h = rows.get(i).get();
            byte[] plain = envelope.open(h.get("dk"), h.get("ct"), binding(caseId, "attachment=" + attachmentId
                    + "|chunk=" + offsets.get(i)), chunkKey);
            whole.writeBytes(plain);
            Arrays.fill(plain, (byte) 0);
        }
        byte[] received = whole.toByteArray();
        CheckedContent checked;
        try {
            checked = AttachmentContent.check(kind, received);
        } catch (RecordsException refused) {
            discard(caseId, a);
            audit.record(actor, event(AuditAction.CASE_UPDATE, c, "attachment " + attachmentId + " refused: "
                    + refused.code()));
            throw refused;
        } finally {
            Arrays.fill(received, (byte) 0);
        }
        String attachmentKey = RedisKeys.caseAttachment(caseId, attachmentId);
        Envelope.Sealed sealed = envelope.seal(checked.bytes(), attachmentBinding(caseId, attachmentId,
                checked.mediaType()), attachmentKey);
        Arrays.fill(checked.bytes(), (byte) 0);
        List<String> keys = new ArrayList<>(List.of(attachmentKey, RedisKeys.caseUploads(caseId),
                RedisKeys.kekUsers(sealed.kekVersion()), RedisKeys.patient(c.get("patient"))));
        offsets.forEach(o -> keys.add(RedisKeys.caseChunk(caseId, attachmentId, o)));
        Map<String, String> f = new LinkedHashMap<>();
        f.put("dk", sealed.wrappedKey());
        f.put("kv", Integer.toString(sealed.kekVersion()));
        f.put("ct", sealed.ciphertext());
        f.put("mediaType", checked.mediaType());
        f.put("bytes", Integer.toString(checked.bytes().length));
        f.put("complete", "true");
        f.put("completedAt", clock.instant().toString());
        List<String> args = new ArrayList<>(List.of(attachmentId, RedisKeys.kekUsersPrefix()));
        pairs(f, args);
        String result = (String) completeScript.run(redis, keys, args);
        if ("ERASED".equals(result)) {
            throw PatientRegistry.erased(c.get("patient"));
        }
        if ("OK".equals(result)) {
            audit.record(actor, event(AuditAction.CASE_UPDATE, c, "attachment " + attachmentId + " complete, "
                    + checked.mediaType() + ", " + checked.bytes().length + " bytes"));
        }
    }

    private void discard(String caseId, Map<String, String> a) {
        String attachmentId = a.get("id");
        List<String> keys = new ArrayList<>(List.of(RedisKeys.caseAttachment(caseId, attachmentId),
                RedisKeys.caseAttachments(caseId), RedisKeys.caseUploads(caseId), RedisKeys.teleCase(caseId),
                RedisKeys.caseAttachmentIdempotency(caseId, a.get("idem"))));
        chunkOffsets(a).forEach(o -> keys.add(RedisKeys.caseChunk(caseId, attachmentId, o)));
        discardScript.run(redis, keys, List.of(attachmentId, a.get("kind"), RedisKeys.kekUsersPrefix()));
    }

    /** Sends a draft to its specialty's inbox; refused while an attachment is still uploading. */
    public CaseSummary submit(Actor actor, String caseId) {
        Map<String, String> c = writable(actor, caseId, "send");
        Instant now = clock.instant();
        CaseUrgency urgency = CaseUrgency.valueOf(c.get("urgency"));
        Instant due = now.plus(serviceLevels.of(urgency));
        Map<String, String> f = new LinkedHashMap<>();
        f.put("status", CaseStatus.SUBMITTED.name());
        f.put("submittedAt", now.toString());
        f.put("dueAt", due.toString());
        transition(c, new Move("DRAFT", "", true, "add:" + inboxScore(urgency, now), "add:" + due.toEpochMilli(),
                "keep", null, f), null, "send");
        audit.record(actor, event(AuditAction.CASE_UPDATE, c, "sent to " + c.get("specialty")));
        return summary(load(caseId));
    }

    /** The nurse's reply to the specialist's request for information: the case goes back to that specialist. */
    public CaseSummary provideInformation(Actor actor, String caseId, String text) {
        Map<String, String> c = writable(actor, caseId, "reply on");
        Map<String, String> f = new LinkedHashMap<>();
        f.put("status", CaseStatus.CLAIMED.name());
        f.put("infoProvidedAt", clock.instant().toString());
        transition(c, new Move("INFO_REQUESTED", "", true, "keep", "add:" + Instant.parse(c.get("dueAt"))
                .toEpochMilli(), "keep", null, f), message(actor, c, text), "reply on");
        audit.record(actor, event(AuditAction.CASE_UPDATE, c, "information provided"));
        return summary(load(caseId));
    }

    // --- the specialist claims and answers ---

    /** Claims a sent case for the actor, so that no other specialist answers it; the first claim wins. */
    public TeleExpertiseCase claim(Actor actor, String caseId) {
        Map<String, String> c = load(caseId);
        if (!policy.mayTakeCases(actor, c.get("specialty"))) {
            throw audit.denied(actor, event(AuditAction.CASE_UPDATE, c, "claim"),
                    "Only a specialist of " + c.get("specialty") + " claims this case");
        }
        if (CaseStatus.valueOf(c.get("status")) == CaseStatus.DRAFT) {
            throw caseNotFound(caseId);
        }
        int claims = Integer.parseInt(c.get("claims")) + 1;
        Instant now = clock.instant();
        Map<String, String> f = new LinkedHashMap<>();
        f.put("status", CaseStatus.CLAIMED.name());
        f.put("claimedBy", actor.userId());
        f.put("claimedAt", now.toString());
        f.put("claims", Integer.toString(claims));
        String submittedMs = Long.toString(Instant.parse(c.get("submittedAt")).toEpochMilli());
        transition(c, new Move("SUBMITTED", "", false, "remove", "keep", "add:" + submittedMs, actor.userId(), f),
                null, "claim");
        Consultation consultation;
        try {
            consultation = consultations.open(Actor.system("cases"), new OpenConsultation(c.get("patient"),
                    ConsultationOrigin.ASYNCHRONOUS_CASE, caseId + "." + claims, actor.userId(), c.get("nurse"),
                    ConsultationMode.ASYNCHRONOUS, null));
        } catch (RecordsException e) {
            Map<String, String> back = new LinkedHashMap<>();
            back.put("status", CaseStatus.SUBMITTED.name());
            back.put("claimedBy", "");
            back.put("claimedAt", "");
            transition(c, new Move("CLAIMED", actor.userId(), false, "add:" + inboxScore(
                    CaseUrgency.valueOf(c.get("urgency")), Instant.parse(c.get("submittedAt"))), "keep", "remove",
                    actor.userId(), back), null, "claim");
            throw e;
        }
        patients.writeWhileActive(c.get("patient"), RedisKeys.teleCase(caseId),
                Map.of("consultation", consultation.id()));
        audit.record(actor, event(AuditAction.CASE_UPDATE, c, "claimed, consultation " + consultation.id()));
        return get(actor, caseId);
    }

    /** The claimer asks the nurse for more (an examination, another photo): the case goes back to her. */
    public CaseSummary requestInformation(Actor actor, String caseId, String text) {
        Map<String, String> c = load(caseId);
        requireClaimer(actor, c, "ask about");
        Map<String, String> f = new LinkedHashMap<>();
        f.put("status", CaseStatus.INFO_REQUESTED.name());
        f.put("infoRequestedAt", clock.instant().toString());
        transition(c, new Move("CLAIMED", actor.userId(), false, "keep", "remove", "keep", null, f),
                message(actor, c, text), "ask about");
        audit.record(actor, event(AuditAction.CASE_UPDATE, c, "information requested"));
        return summary(load(caseId));
    }

    /**
     * Closes the case with the claimer's answer: the note of the case's consultation, which must be signed. The
     * nurse reads it as she reads any signed note of her patients (plan, prescription, follow-up).
     */
    public CaseSummary answer(Actor actor, String caseId) {
        Map<String, String> c = load(caseId);
        requireClaimer(actor, c, "answer");
        String consultationId = c.get("consultation");
        Optional<NoteSummary> note = consultationId == null ? Optional.empty()
                : notes.ofConsultation(actor, consultationId).stream().findFirst();
        if (note.isEmpty() || note.get().latestStatus() == NoteStatus.DRAFT) {
            throw new RecordsException(RecordsError.CASE_ANSWER_NOT_SIGNED,
                    "Write and sign the note of this case's consultation first; it is the answer the nurse receives");
        }
        Map<String, String> f = new LinkedHashMap<>();
        f.put("status", CaseStatus.ANSWERED.name());
        f.put("answeredAt", clock.instant().toString());
        f.put("answerNote", note.get().noteId());
        transition(c, new Move("CLAIMED", actor.userId(), false, "keep", "remove", "keep", actor.userId(), f),
                null, "answer");
        consultations.update(actor, consultationId, ConsultationStatus.FINISHED, null);
        audit.record(actor, event(AuditAction.CASE_UPDATE, c, "answered with note " + note.get().noteId()));
        return summary(load(caseId));
    }

    /**
     * The case, for its claimer about to book a consultation from it: claimed by the actor and neither waiting for the
     * nurse nor answered. Audited refusal otherwise.
     */
    public CaseSummary claimedForFollowUp(Actor actor, String caseId) {
        Map<String, String> c = load(caseId);
        requireClaimer(actor, c, "book a consultation from");
        if (!CaseStatus.CLAIMED.name().equals(c.get("status"))) {
            throw stateConflict("STATE:" + c.get("status"), "book a consultation from");
        }
        return summary(c);
    }

    /**
     * Records on the case the consultation its claimer booked from it, as an event the nurse reads ({@code text}
     * names the local date and time). The case stays claimed. Recording the same appointment again changes nothing,
     * so that a retried booking does not add a second event.
     */
    public CaseSummary recordConsultation(Actor actor, String caseId, String appointmentId, Instant start,
                                          String text) {
        Map<String, String> c = load(caseId);
        requireClaimer(actor, c, "book a consultation from");
        if (appointmentId.equals(c.get("apptId"))) {
            acknowledgement.confirm(redis);
            return summary(c);
        }
        Map<String, String> f = new LinkedHashMap<>();
        f.put("apptId", appointmentId);
        f.put("apptStart", start.toString());
        transition(c, new Move("CLAIMED", actor.userId(), false, "keep", "keep", "keep", null, f),
                message(actor, c, text, CaseMessage.CONSULTATION_BOOKED, appointmentId, start),
                "book a consultation from");
        audit.record(actor, event(AuditAction.CASE_UPDATE, c, "consultation booked, appointment " + appointmentId));
        return summary(load(caseId));
    }

    /** The claimer asks the nurse for a live call now; the case stays claimed and the request shows on her list. */
    public CaseSummary requestCall(Actor actor, String caseId) {
        Map<String, String> c = load(caseId);
        requireClaimer(actor, c, "ask for a call about");
        Map<String, String> f = new LinkedHashMap<>();
        f.put("callRequestedAt", clock.instant().toString());
        transition(c, new Move("CLAIMED", actor.userId(), false, "keep", "keep", "keep", null, f),
                message(actor, c, "Call requested", CaseMessage.CALL_REQUESTED, null, null), "ask for a call about");
        audit.record(actor, event(AuditAction.CASE_UPDATE, c, "call requested"));
        return summary(load(caseId));
    }

    // --- coordinators follow service levels ---

    /** Hands a claimed case back to its specialty's inbox (its claimer is away, it is overdue). */
    public CaseSummary release(Actor actor, String caseId) {
        Map<String, String> c = load(caseId);
        if (!policy.mayReassignCases(actor)) {
            throw audit.denied(actor, event(AuditAction.CASE_UPDATE, c, "release"),
                    "Only coordinators hand cases back to the inbox");
        }
        String claimer = c.get("claimedBy");
        if (claimer == null) {
            throw stateConflict("STATE:" + c.get("status"), "hand back");
        }
        CaseUrgency urgency = CaseUrgency.valueOf(c.get("urgency"));
        Map<String, String> f = new LinkedHashMap<>();
        f.put("status", CaseStatus.SUBMITTED.name());
        f.put("claimedBy", "");
        f.put("claimedAt", "");
        f.put("consultation", "");
        transition(c, new Move("CLAIMED INFO_REQUESTED", claimer, false, "add:" + inboxScore(urgency,
                Instant.parse(c.get("submittedAt"))), "add:" + Instant.parse(c.get("dueAt")).toEpochMilli(),
                "remove", claimer, f), null, "hand back");
        String consultationId = c.get("consultation");
        if (consultationId != null) {
            consultations.update(Actor.system("cases"), consultationId, ConsultationStatus.CANCELLED, null);
        }
        audit.record(actor, event(AuditAction.CASE_UPDATE, c, "handed back to the inbox by " + actor.userId()
                + ", was claimed by " + claimer));
        return summary(load(caseId));
    }

    // --- reading ---

    /** The whole case, for those who may read its content. */
    public TeleExpertiseCase get(Actor actor, String caseId) {
        Map<String, String> c = load(caseId);
        boolean nurse = requireContent(actor, c, "Case", caseId);
        Content content = parse(envelope.open(c.get("dk"), c.get("ct"), binding(caseId, "content"),
                RedisKeys.teleCase(caseId)));
        List<CaseMessage> messages = new ArrayList<>();
        int count = Integer.parseInt(c.getOrDefault("messages", "0"));
        for (int n = 1; n <= count; n++) {
            String key = RedisKeys.caseMessage(caseId, n);
            Map<String, String> m = redis.hgetAll(key);
            String text = new String(envelope.open(m.get("dk"), m.get("ct"), binding(caseId, "message=" + n), key),
                    StandardCharsets.UTF_8);
            messages.add(new CaseMessage(n, m.get("author"), m.get("role"), Instant.parse(m.get("at")), text,
                    m.getOrDefault("kind", CaseMessage.MESSAGE), m.get("appt"), instant(m.get("apptStart"))));
        }
        List<AttachmentInfo> attachments = attachmentsOf(caseId).stream()
                .filter(a -> nurse || a.complete()).toList();
        audit.record(actor, event(AuditAction.CASE_READ, c, null));
        return new TeleExpertiseCase(summary(c), content.question(), content.vitals(), List.copyOf(messages),
                attachments, c.get("consultation"));
    }

    /** A complete attachment, decrypted. */
    public AttachmentBytes attachment(Actor actor, String caseId, String attachmentId) {
        Map<String, String> c = load(caseId);
        requireContent(actor, c, "CaseAttachment", attachmentId);
        Map<String, String> a = loadAttachment(caseId, attachmentId);
        if (!"true".equals(a.get("complete"))) {
            throw attachmentNotFound(attachmentId);
        }
        String key = RedisKeys.caseAttachment(caseId, attachmentId);
        byte[] content = envelope.open(a.get("dk"), a.get("ct"), attachmentBinding(caseId, attachmentId,
                a.get("mediaType")), key);
        audit.record(actor, AuditLog.Event.success(AuditAction.CASE_READ, "CaseAttachment", attachmentId,
                c.get("patient")).withDetail("case " + caseId));
        return new AttachmentBytes(attachmentId, AttachmentKind.valueOf(a.get("kind")), a.get("mediaType"), content);
    }

    /** A specialty's sent, unclaimed cases: the most urgent first, then the oldest. */
    public List<CaseSummary> inbox(Actor actor, String specialty, int limit) {
        Ids.requireExternal("specialty", specialty);
        if (!policy.mayTakeCases(actor, specialty)) {
            throw audit.denied(actor, AuditLog.Event.success(AuditAction.CASE_READ, "Specialty", specialty, null)
                    .withDetail("inbox"), "Only specialists of " + specialty + " see its cases");
        }
        List<CaseSummary> out = summaries(redis.zrange(RedisKeys.caseInbox(specialty), 0, clamp(limit) - 1));
        audit.record(actor, AuditLog.Event.success(AuditAction.CASE_READ, "Specialty", specialty, null)
                .withDetail("inbox, " + out.size() + " cases"));
        return out;
    }

    /** The cases the actor claimed, answered ones included, oldest sent first. */
    public List<CaseSummary> claimedBy(Actor actor, int limit) {
        List<CaseSummary> out = summaries(redis.zrange(RedisKeys.specialistCases(actor.userId()), 0,
                clamp(limit) - 1)).stream().filter(s -> actor.userId().equals(s.claimedBy())).toList();
        audit.record(actor, AuditLog.Event.success(AuditAction.CASE_READ, "Practitioner", actor.userId(), null)
                .withDetail("claimed cases, " + out.size()));
        return out;
    }

    /** A dispensary's cases, newest first: what the nurse's tablet syncs (answers and requests included). */
    public List<CaseSummary> ofDispensary(Actor actor, String dispensaryId, int limit) {
        Ids.requireExternal("dispensaryId", dispensaryId);
        if (!policy.mayListDispensary(actor, dispensaryId) || actor.is(Role.SYSTEM)) {
            throw audit.denied(actor, AuditLog.Event.success(AuditAction.CASE_READ, "Organization", dispensaryId,
                    null).withDetail("cases"), "You may not list the cases of dispensary " + dispensaryId);
        }
        List<CaseSummary> out = summaries(redis.zrevrange(RedisKeys.dispensaryCases(dispensaryId), 0,
                clamp(limit) - 1));
        audit.record(actor, AuditLog.Event.success(AuditAction.CASE_READ, "Organization", dispensaryId, null)
                .withDetail("cases, " + out.size()));
        return out;
    }

    /** Sent cases past their due time and still unanswered, the most overdue first, for the coordinators' board. */
    public List<CaseSummary> overdue(Actor actor, int limit) {
        if (!policy.mayReassignCases(actor)) {
            throw audit.denied(actor, AuditLog.Event.success(AuditAction.CASE_READ, "Case", "overdue", null),
                    "Only coordinators follow overdue cases");
        }
        List<String> ids = redis.zrangeByScore(RedisKeys.casesOpen(), 0, clock.millis(), 0, clamp(limit));
        return summaries(ids);
    }

    /**
     * What the coordinators' board shows, without content and without audit (like the other board sections): how many
     * sent cases wait in each specialty's inbox, how many are overdue, and the most overdue.
     */
    public Board board(Collection<String> specialties, int shown) {
        Map<String, Long> waiting = new TreeMap<>();
        List<Response<Long>> counts = new ArrayList<>();
        Response<Long> overdueCount;
        try (AbstractPipeline p = redis.pipelined()) {
            specialties.forEach(s -> counts.add(p.zcard(RedisKeys.caseInbox(s))));
            overdueCount = p.zcount(RedisKeys.casesOpen(), 0, clock.millis());
            p.sync();
        }
        int i = 0;
        for (String specialty : specialties) {
            waiting.put(specialty, counts.get(i++).get());
        }
        List<String> ids = redis.zrangeByScore(RedisKeys.casesOpen(), 0, clock.millis(), 0, clamp(shown));
        return new Board(waiting, overdueCount.get(), summaries(ids));
    }

    /** @param waiting per specialty, the sent cases nobody has claimed yet */
    public record Board(Map<String, Long> waiting, long overdue, List<CaseSummary> mostOverdue) {
    }

    // --- erasure ---

    /** Legal erasure: every case of the patient loses its content and data keys; returns the keys destroyed. */
    public int shredPatient(String patientId) {
        int destroyed = 0;
        String now = clock.instant().toString();
        for (String caseId : redis.smembers(RedisKeys.patientCases(patientId))) {
            Map<String, String> c = redis.hgetAll(RedisKeys.teleCase(caseId));
            if (c.isEmpty()) {
                continue;
            }
            List<String> keys = new ArrayList<>(List.of(RedisKeys.teleCase(caseId),
                    RedisKeys.caseInbox(c.getOrDefault("specialty", "-")), RedisKeys.casesOpen(),
                    RedisKeys.specialistCases(c.getOrDefault("claimedBy", "-")),
                    RedisKeys.dispensaryCases(c.getOrDefault("disp", "-"))));
            for (String attachmentId : redis.zrange(RedisKeys.caseAttachments(caseId), 0, -1)) {
                Map<String, String> a = redis.hgetAll(RedisKeys.caseAttachment(caseId, attachmentId));
                chunkOffsets(a).forEach(o -> keys.add(RedisKeys.caseChunk(caseId, attachmentId, o)));
                keys.add(RedisKeys.caseAttachment(caseId, attachmentId));
                keys.add(RedisKeys.caseAttachmentIdempotency(caseId, a.getOrDefault("idem", "-")));
            }
            int messages = Integer.parseInt(c.getOrDefault("messages", "0"));
            for (int n = 1; n <= messages; n++) {
                keys.add(RedisKeys.caseMessage(caseId, n));
            }
            keys.add(RedisKeys.caseAttachments(caseId));
            keys.add(RedisKeys.caseUploads(caseId));
            destroyed += ((Long) shredScript.run(redis, keys, List.of(caseId, RedisKeys.kekUsersPrefix(), now)))
                    .intValue();
        }
        return destroyed;
    }

    // --- internals ---

    /** A status change: allowed statuses, required claimer, the lists it moves the case in, and its fields. */
    private record Move(String from, String claimer, boolean uploadsDone, String inbox, String open,
                        String claimedList, String claimedListOwner, Map<String, String> fields) {
    }

    /** A sealed message going with a move. */
    private record Message(int number, String key, Envelope.Sealed sealed, Map<String, String> fields) {
    }

    private Message message(Actor actor, Map<String, String> c, String text) {
        return message(actor, c, text, CaseMessage.MESSAGE, null, null);
    }

    private Message message(Actor actor, Map<String, String> c, String text, String kind, String appointmentId,
                            Instant appointmentStart) {
        String body = text == null ? "" : text.strip();
        if (body.isEmpty() || body.length() > MAX_MESSAGE_CHARS) {
            throw RecordsException.invalid("The message must be 1-" + MAX_MESSAGE_CHARS + " characters");
        }
        String caseId = c.get("id");
        int number = Integer.parseInt(c.getOrDefault("messages", "0")) + 1;
        String key = RedisKeys.caseMessage(caseId, number);
        Envelope.Sealed sealed = envelope.seal(body.getBytes(StandardCharsets.UTF_8), binding(caseId, "message="
                + number), key);
        Map<String, String> f = new LinkedHashMap<>();
        f.put("author", actor.userId());
        f.put("role", actor.role().name());
        f.put("at", clock.instant().toString());
        f.put("dk", sealed.wrappedKey());
        f.put("kv", Integer.toString(sealed.kekVersion()));
        f.put("ct", sealed.ciphertext());
        f.put("kind", kind);
        if (appointmentId != null) {
            f.put("appt", appointmentId);
            f.put("apptStart", appointmentStart.toString());
        }
        return new Message(number, key, sealed, f);
    }

    private void transition(Map<String, String> c, Move move, Message message, String what) {
        String caseId = c.get("id");
        String owner = move.claimedListOwner() == null ? "-" : move.claimedListOwner();
        List<String> args = new ArrayList<>(List.of(move.from(), move.claimer(),
                move.uploadsDone() ? "uploads-done" : "any", move.inbox(), move.open(), move.claimedList(),
                Integer.toString(move.fields().size())));
        pairs(move.fields(), args);
        if (message != null) {
            args.add(Integer.toString(message.number()));
            args.add(RedisKeys.kekUsers(message.sealed().kekVersion()));
            pairs(message.fields(), args);
        }
        String result = (String) transitionScript.run(redis, List.of(RedisKeys.teleCase(caseId),
                RedisKeys.patient(c.get("patient")), RedisKeys.caseInbox(c.get("specialty")), RedisKeys.casesOpen(),
                RedisKeys.caseUploads(caseId), RedisKeys.specialistCases(owner),
                message == null ? RedisKeys.teleCase(caseId) : message.key()), args);
        switch (result) {
            case "OK" -> {
            }
            case "NOT_YOURS" -> throw new RecordsException(RecordsError.CASE_ALREADY_CLAIMED,
                    "Another specialist has this case");
            case "UPLOADING" -> throw new RecordsException(RecordsError.UPLOAD_INCOMPLETE,
                    "An attachment is still uploading; send the case once every upload is complete");
            case "MESSAGE_RACE" -> throw new RecordsException(RecordsError.CASE_STATE_CONFLICT,
                    "The case changed meanwhile; reload it and try again");
            case "ERASED" -> throw PatientRegistry.erased(c.get("patient"));
            case "GONE" -> throw caseNotFound(caseId);
            default -> {
                if ("claim".equals(what)) {
                    throw new RecordsException(RecordsError.CASE_ALREADY_CLAIMED,
                            "Another specialist claimed this case first");
                }
                throw stateConflict(result, what);
            }
        }
    }

    private static RecordsException stateConflict(String result, String what) {
        String status = result.substring("STATE:".length()).toLowerCase().replace('_', ' ');
        return new RecordsException(RecordsError.CASE_STATE_CONFLICT, "You cannot " + what + " a case that is "
                + status);
    }

    /** The case, for a nurse of its dispensary (who writes it); audited refusal otherwise. */
    private Map<String, String> writable(Actor actor, String caseId, String what) {
        Map<String, String> c = load(caseId);
        if (!policy.mayWriteCase(actor, c.get("disp"))) {
            throw audit.denied(actor, event(AuditAction.CASE_UPDATE, c, what),
                    "Only a nurse of the patient's dispensary may " + what + " this case");
        }
        return c;
    }

    private void requireClaimer(Actor actor, Map<String, String> c, String what) {
        if (!actor.userId().equals(c.get("claimedBy")) || !policy.mayTakeCases(actor, c.get("specialty"))) {
            throw audit.denied(actor, event(AuditAction.CASE_UPDATE, c, what),
                    "Only the specialist who claimed this case may " + what + " it");
        }
    }

    /** @return whether the reader is a nurse of the case's dispensary (who also sees attachments uploading) */
    private boolean requireContent(Actor actor, Map<String, String> c, String type, String id) {
        CaseStatus status = CaseStatus.valueOf(c.get("status"));
        CaseAccess access = policy.caseAccess(actor, c.get("disp"), c.get("specialty"),
                status == CaseStatus.SUBMITTED, c.get("claimedBy"));
        if (access != CaseAccess.CONTENT) {
            throw audit.denied(actor, AuditLog.Event.success(AuditAction.CASE_READ, type, id, c.get("patient")),
                    "You may not read this case");
        }
        return actor.is(Role.NURSE);
    }

    private Map<String, String> load(String caseId) {
        if (!Ids.looksLike("case", caseId)) {
            throw caseNotFound(caseId);
        }
        Map<String, String> c = redis.hgetAll(RedisKeys.teleCase(caseId));
        if (c.isEmpty()) {
            throw caseNotFound(caseId);
        }
        if (c.containsKey("erasedAt")) {
            throw PatientRegistry.erased(c.get("patient"));
        }
        return c;
    }

    private Map<String, String> loadAttachment(String caseId, String attachmentId) {
        if (!Ids.looksLike("att", attachmentId)) {
            throw attachmentNotFound(attachmentId);
        }
        Map<String, String> a = redis.hgetAll(RedisKeys.caseAttachment(caseId, attachmentId));
        if (a.isEmpty()) {
            throw attachmentNotFound(attachmentId);
        }
        return a;
    }

    private List<AttachmentInfo> attachmentsOf(String caseId) {
        List<String> ids = redis.zrange(RedisKeys.caseAttachments(caseId), 0, -1);
        List<Response<Map<String, String>>> rows = new ArrayList<>();
        try (AbstractPipeline p = redis.pipelined()) {
            ids.forEach(id -> rows.add(p.hgetAll(RedisKeys.caseAttachment(caseId, id))));
            p.sync();
        }
        return rows.stream().map(Response::get).filter(h -> !h.isEmpty()).map(Cases::attachmentInfo).toList();
    }

    private static AttachmentInfo attachmentInfo(Map<String, String> a) {
        boolean complete = "true".equals(a.get("complete"));
        return new AttachmentInfo(a.get("id"), AttachmentKind.valueOf(a.get("kind")), complete,
                Long.parseLong(a.get("declared")), Long.parseLong(a.get("received")), a.get("mediaType"),
                complete ? Long.parseLong(a.get("bytes")) : 0);
    }

    private static List<Long> chunkOffsets(Map<String, String> a) {
        String list = a.getOrDefault("chunks", "");
        return list.isEmpty() ? List.of() : Arrays.stream(list.split(",")).map(Long::valueOf).toList();
    }

    private List<CaseSummary> summaries(List<String> ids) {
        List<Response<Map<String, String>>> rows = new ArrayList<>();
        try (AbstractPipeline p = redis.pipelined()) {
            ids.forEach(id -> rows.add(p.hgetAll(RedisKeys.teleCase(id))));
            p.sync();
        }
        return rows.stream().map(Response::get).filter(h -> !h.isEmpty() && !h.containsKey("erasedAt"))
                .map(this::summary).toList();
    }

    private CaseSummary summary(Map<String, String> c) {
        CaseStatus status = CaseStatus.valueOf(c.get("status"));
        Instant due = instant(c.get("dueAt"));
        boolean overdue = due != null && status != CaseStatus.ANSWERED && status != CaseStatus.INFO_REQUESTED
                && clock.instant().isAfter(due);
        return new CaseSummary(c.get("id"), c.get("patient"), c.get("disp"), c.get("nurse"), c.get("specialty"),
                CaseUrgency.valueOf(c.get("urgency")), status, Instant.parse(c.get("createdAt")),
                instant(c.get("submittedAt")), due, c.get("claimedBy"), c.get("answerNote"), overdue,
                Integer.parseInt(c.getOrDefault("n." + AttachmentKind.PHOTO.name(), "0")),
                Integer.parseInt(c.getOrDefault("n." + AttachmentKind.VOICE_NOTE.name(), "0")) > 0,
                c.get("apptId"), instant(c.get("apptStart")), instant(c.get("callRequestedAt")));
    }

    private static Instant instant(String s) {
        return s == null || s.isEmpty() ? null : Instant.parse(s);
    }

    private static AuditLog.Event event(AuditAction action, Map<String, String> c, String detail) {
        return AuditLog.Event.success(action, "Case", c.get("id"), c.get("patient")).withDetail(detail);
    }

    private static double inboxScore(CaseUrgency urgency, Instant submitted) {
        return urgency.ordinal() * URGENCY_STEP + submitted.toEpochMilli();
    }

    private static int maxOf(AttachmentKind kind) {
        return switch (kind) {
            case PHOTO -> MAX_PHOTOS;
            case VOICE_NOTE -> MAX_VOICE_NOTES;
        };
    }

    private static int clamp(int limit) {
        return limit <= 0 ? MAX_LISTING : Math.min(limit, MAX_LISTING);
    }

    private static void pairs(Map<String, String> fields, List<String> args) {
        fields.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
    }

    private static String binding(String caseId, String part) {
        return "case=" + caseId + "|" + part;
    }

    private static String attachmentBinding(String caseId, String attachmentId, String mediaType) {
        return binding(caseId, "attachment=" + attachmentId + "|type=" + mediaType);
    }

    private static byte[] toJson(Content content) {
        try {
            return JSON.writeValueAsBytes(content);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A case's content always serialises", e);
        }
    }

    private static Content parse(byte[] plain) {
        try {
            return JSON.readValue(plain, Content.class);
        } catch (IOException e) {
            throw RecordsException.integrity("A case's content does not parse");
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private static RecordsException caseNotFound(String caseId) {
        return new RecordsException(RecordsError.CASE_NOT_FOUND, "Unknown case " + caseId);
    }

    private static RecordsException attachmentNotFound(String attachmentId) {
        return new RecordsException(RecordsError.ATTACHMENT_NOT_FOUND, "Unknown attachment " + attachmentId);
    }
}
