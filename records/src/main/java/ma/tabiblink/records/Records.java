package ma.tabiblink.records;

import java.time.Clock;
import ma.tabiblink.records.audit.AuditLog;
import ma.tabiblink.records.breakglass.BreakGlassLimit;
import ma.tabiblink.records.breakglass.BreakGlassRegister;
import ma.tabiblink.records.cases.Cases;
import ma.tabiblink.records.cases.ServiceLevels;
import ma.tabiblink.records.consultation.Consultation;
import ma.tabiblink.records.consultation.ConsultationEligibility;
import ma.tabiblink.records.consultation.Consultations;
import ma.tabiblink.records.consultation.OpenConsultation;
import ma.tabiblink.records.fhir.CaseFhirExport;
import ma.tabiblink.records.fhir.FhirExport;
import ma.tabiblink.records.keys.Envelope;
import ma.tabiblink.records.keys.KeyRing;
import ma.tabiblink.records.note.Notes;
import ma.tabiblink.records.note.SigningKeys;
import ma.tabiblink.records.operator.KeyOperations;
import ma.tabiblink.records.patient.PatientRegistry;
import redis.clients.jedis.UnifiedJedis;

/**
 * The records module assembled: patients, consultations, encrypted and signed notes, tele-expertise cases, the audit
 * log, FHIR export and the operator's key operations, all over one Redis connection, one clock and one key ring.
 * Under Sentinel, every write reported done is held by the replicas a {@link ReplicaAcknowledgement} asks for.
 */
public final class Records {

    private final KeyRing keyRing;
    private final AuditLog audit;
    private final PatientRegistry patients;
    private final Consultations consultations;
    private final SigningKeys signingKeys;
    private final BreakGlassRegister breakGlass;
    private final ConsultationEligibility eligibility;
    private final Notes notes;
    private final Cases cases;
    private final FhirExport fhir;
    private final CaseFhirExport caseFhir;
    private final KeyOperations keyOperations;

    private Records(UnifiedJedis redis, Clock clock, KeyRing keyRing, String fhirBaseUrl, BreakGlassLimit limit,
                    ServiceLevels serviceLevels, ReplicaAcknowledgement acknowledgement) {
        this.keyRing = keyRing;
        AccessPolicy policy = new AccessPolicy();
        CareTeam careTeam = new CareTeam(redis);
        Envelope envelope = new Envelope(keyRing);
        this.audit = new AuditLog(redis, clock, keyRing::auditKey, acknowledgement);
        this.patients = new PatientRegistry(redis, clock, envelope, keyRing, audit, policy, careTeam);
        this.consultations = new Consultations(redis, clock, audit, policy, careTeam, patients);
        this.signingKeys = new SigningKeys(redis, clock, envelope);
        this.breakGlass = new BreakGlassRegister(redis, clock, audit, policy, limit, acknowledgement);
        this.eligibility = new ConsultationEligibility(redis);
        this.notes = new Notes(redis, clock, envelope, audit, policy, consultations, signingKeys, breakGlass);
        this.cases = new Cases(redis, clock, envelope, audit, policy, patients, consultations, notes, serviceLevels,
                acknowledgement);
        this.fhir = new FhirExport(clock, fhirBaseUrl, audit, policy, careTeam, patients, consultations, notes);
        this.caseFhir = new CaseFhirExport(clock, fhirBaseUrl, audit, cases, notes);
        this.keyOperations = new KeyOperations(redis, keyRing, envelope, audit, policy, notes, patients, cases,
                acknowledgement);
    }

    /**
     * @param fhirBaseUrl absolute base URL for the fullUrl of exported FHIR resources
     */
    public static Records create(UnifiedJedis redis, Clock clock, KeyRing keyRing, String fhirBaseUrl) {
        return new Records(redis, clock, keyRing, fhirBaseUrl, BreakGlassLimit.DEFAULT, ServiceLevels.DEFAULT,
                ReplicaAcknowledgement.NONE);
    }

    /** @param breakGlassLimit how often one user may use emergency access */
    public static Records create(UnifiedJedis redis, Clock clock, KeyRing keyRing, String fhirBaseUrl,
                                 BreakGlassLimit breakGlassLimit) {
        return new Records(redis, clock, keyRing, fhirBaseUrl, breakGlassLimit, ServiceLevels.DEFAULT,
                ReplicaAcknowledgement.NONE);
    }

    /**
     * @param breakGlassLimit   how often one user may use emergency access
     * @param caseServiceLevels how soon a tele-expertise case must be answered, per urgency
     */
    public static Records create(UnifiedJedis redis, Clock clock, KeyRing keyRing, String fhirBaseUrl,
                                 BreakGlassLimit breakGlassLimit, ServiceLevels caseServiceLevels) {
        return new Records(redis, clock, keyRing, fhirBaseUrl, breakGlassLimit, caseServiceLevels,
                ReplicaAcknowledgement.NONE);
    }

    /**
     * @param breakGlassLimit   how often one user may use emergency access
     * @param caseServiceLevels how soon a tele-expertise case must be answered, per urgency
     * @param acknowledgement   how many Redis replicas must hold a write before it is reported done (under Sentinel);
     *                          {@link ReplicaAcknowledgement#NONE} for a single Redis
     */
    public static Records create(UnifiedJedis redis, Clock clock, KeyRing keyRing, String fhirBaseUrl,
                                 BreakGlassLimit breakGlassLimit, ServiceLevels caseServiceLevels,
                                 ReplicaAcknowledgement acknowledgement) {
        return new Records(redis, clock, keyRing, fhirBaseUrl, breakGlassLimit, caseServiceLevels, acknowledgement);
    }

    /**
     * Records the care relationship the web app learns about: call it when an urgent call is accepted or an
     * appointment is booked. Idempotent per (origin, originRef).
     */
    public Consultation openConsultation(Actor actor, OpenConsultation request) {
        return consultations.open(actor, request);
    }

    public PatientRegistry patients() {
        return patients;
    }

    public Consultations consultations() {
        return consultations;
    }

    public Notes notes() {
        return notes;
    }

    /** Store-and-forward tele-expertise cases. */
    public Cases cases() {
        return cases;
    }

    public SigningKeys signingKeys() {
        return signingKeys;
    }

    /** Emergency accesses: the per-user limit, the open alerts and the administrators' review. */
    public BreakGlassRegister breakGlass() {
        return breakGlass;
    }

    /** Whether an actor may open a consultation for a patient, without keys (see {@link ConsultationEligibility}). */
    public ConsultationEligibility eligibility() {
        return eligibility;
    }

    public FhirExport fhir() {
        return fhir;
    }

    /** A tele-expertise case as FHIR R4 (ServiceRequest, vital-signs Observations, Media, Communications). */
    public CaseFhirExport caseFhir() {
        return caseFhir;
    }

    public AuditLog audit() {
        return audit;
    }

    public KeyOperations keyOperations() {
        return keyOperations;
    }

    public KeyRing keyRing() {
        return keyRing;
    }
}
