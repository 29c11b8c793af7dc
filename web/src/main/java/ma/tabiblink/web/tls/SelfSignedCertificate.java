package ma.tabiblink.web.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed certificate for demo mode on a network (tablets need HTTPS for the camera), generated once into the
 * data folder as PEM files that both Tomcat and the signalling server read.
 */
public final class SelfSignedCertificate {

    private static final Duration VALIDITY = Duration.ofDays(825);

    private SelfSignedCertificate() {
    }

    /** Creates {@code cert} and {@code key} (PKCS#8) unless both exist, naming the given hosts and addresses. */
    public static void ensure(Path cert, Path key, Set<String> hostsAndAddresses) {
        if (Files.isRegularFile(cert) && Files.isRegularFile(key)) {
            return;
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=Tabib Link demo, O=Tabib Link");
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(128, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names(hostsAndAddresses)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer));

            Files.createDirectories(cert.toAbsolutePath().getParent());
            Files.createDirectories(key.toAbsolutePath().getParent());
            write(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), true);
            write(cert, pem("CERTIFICATE", certificate.getEncoded()), false);
        } catch (Exception e) {
            throw new IllegalStateException("Could not create the self-signed certificate " + cert + ": " + e.getMessage(), e);
        }
    }

    private static GeneralName[] names(Set<String> hostsAndAddresses) throws IOException {
        List<GeneralName> names = new ArrayList<>();
        for (String name : hostsAndAddresses) {
            boolean address = name.matches("[0-9.]+") || name.contains(":");
            if (address) {
                InetAddress.getByName(name);
                names.add(new GeneralName(GeneralName.iPAddress, name));
            } else if (!name.isBlank()) {
                names.add(new GeneralName(GeneralName.dNSName, name));
            }
        }
        return names.toArray(GeneralName[]::new);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void write(Path file, String content, boolean secret) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "tls", ".tmp");
        if (secret) {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Non-POSIX file systems keep their default permissions.
            }
        }
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
