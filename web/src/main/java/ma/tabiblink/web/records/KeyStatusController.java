package ma.tabiblink.web.records;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import ma.tabiblink.records.Records;
import ma.tabiblink.records.keys.KeyRing;
import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Role;
import ma.tabiblink.web.config.TabibSettings;

/** The records' key-encryption keys as the administrator sees them: versions, the current one, last rotation. */
@RestController
@Tag(name = "Records keys")
class KeyStatusController {

    private final KeyRing keyRing;
    private final Path keystoreFile;

    KeyStatusController(Records records, TabibSettings settings, RecordsConfiguration.RecordsProperties properties) {
        this.keyRing = records.keyRing();
        this.keystoreFile = properties.keystore(settings).keystoreFile();
    }

    @GetMapping("/api/v1/admin/keys")
    @Operation(summary = "Key status (administrators): key id, versions in use, current version, when the keystore last changed")
    List<KeyStatus> keys(CurrentUser user) {
        user.requireRole(Role.ADMIN);
        return List.of(new KeyStatus(keyRing.keyId(), keyRing.currentVersion(), List.copyOf(keyRing.versions()),
                lastChange()));
    }

    /** Rotation rewrites the keystore file, so its modification time is the last rotation (or its creation). */
    private Instant lastChange() {
        try {
            return Files.getLastModifiedTime(keystoreFile).toInstant();
        } catch (IOException e) {
            return null;
        }
    }

    record KeyStatus(String keyId, int currentVersion, List<Integer> versions, Instant rotatedAt) {
    }
}
