package ma.tabiblink.web;

import java.nio.file.Path;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import ma.tabiblink.web.auth.SigningKeyFile;
import ma.tabiblink.web.records.KeysCommand;
import ma.tabiblink.web.signaling.SignalingStateKeyFile;
import ma.tabiblink.web.signaling.StandaloneSignalingNode;

/**
 * The one runnable artifact. It serves the web application with the signalling server inside, or with
 * {@code TABIB_MODE=signaling} a standalone signalling node. Operator commands: {@code token-key <file>} creates an
 * access-token signing key; {@code signaling-key <file>} creates the key sealing what signalling nodes keep in Redis;
 * {@code keys ...} manages the records' encryption keys (see {@code KeysCommand}).
 */
@SpringBootApplication
public class TabibLinkApplication {

    public static void main(String[] args) {
        if (args.length > 0 && "token-key".equals(args[0])) {
            System.exit(createTokenKey(args));
        }
        if (args.length > 0 && "signaling-key".equals(args[0])) {
            System.exit(createSignalingKey(args));
        }
        if (args.length > 0 && "keys".equals(args[0])) {
            System.exit(KeysCommand.run(args));
        }
        if ("signaling".equalsIgnoreCase(System.getenv("TABIB_MODE"))) {
            StandaloneSignalingNode.run(args);
            return;
        }
        SpringApplication.run(TabibLinkApplication.class, args);
    }

    private static int createSignalingKey(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: signaling-key <file>   creates the AES-256 key sealing what signalling nodes"
                    + " keep in Redis");
            return 2;
        }
        Path file = Path.of(args[1]);
        if (file.toFile().exists()) {
            System.err.println("refusing to overwrite " + file);
            return 1;
        }
        SignalingStateKeyFile.create(file);
        System.out.println("created " + file + " (keep it secret; give every node the same file)");
        return 0;
    }

    private static int createTokenKey(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: token-key <file>   creates an EC P-256 JWK that signs access tokens");
            return 2;
        }
        Path file = Path.of(args[1]);
        if (file.toFile().exists()) {
            System.err.println("refusing to overwrite " + file);
            return 1;
        }
        SigningKeyFile.create(file);
        System.out.println("created " + file + " (keep it secret; give every node the same file)");
        return 0;
    }
}
