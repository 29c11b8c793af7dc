package ma.tabiblink.ops.load;

import java.util.List;

/** A synthetic user of the load run, e.g. {@code load-nurse-17} or {@code load-spec-17} (cardiology). */
record Identity(String id, String name, Role role, List<String> specialties, String dispensaryId, String province) {

    enum Role { NURSE, SPECIALIST }

    Identity {
        specialties = List.copyOf(specialties);
    }

    static Identity nurse(String prefix, int index) {
        return new Identity(prefix + "-nurse-" + index, "Load nurse " + index, Role.NURSE, List.of(),
                "disp-tinghir", "Tinghir");
    }

    static Identity specialist(String prefix, int index, String specialty) {
        return new Identity(prefix + "-spec-" + index, "Load specialist " + index, Role.SPECIALIST,
                List.of(specialty), null, null);
    }
}
