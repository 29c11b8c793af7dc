package ma.tabiblink.records.consultation;

/** How the consultation is held. */
public enum ConsultationMode {
    VIDEO, AUDIO, ASYNCHRONOUS
}
