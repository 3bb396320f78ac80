package dev.gradflow.gateway.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How API keys are stored: {@code sha256:} and the 64 hex digits of the SHA-256 of the key's UTF-8 bytes, what
 * {@code printf %s "$key" | sha256sum} prints. An API key is a random token of at least 128 bits (the README's
 * recipe makes 256), not a password a person chose, so nobody can search for one from its hash: a plain hash is as
 * strong as a salted, stretched one here, and it lets the gateway hash a presented key once per request and compare
 * it with every stored hash. PBKDF2, bcrypt or argon2 would cost every request milliseconds of CPU per stored key
 * for no gain; an HMAC with a server-side secret would protect short keys, which are not allowed, at the price of a
 * second secret to deploy and rotate.
 */
public final class KeyHashes {
    /** The scheme prefix of a stored hash; a reader rejects any other, it never guesses. */
    public static final String SCHEME = "sha256:";
    private static final Pattern STORED = Pattern.compile("sha256:[0-9a-fA-F]{64}");

    private KeyHashes() {
    }

    /** The SHA-256 of a presented key's UTF-8 bytes. */
    public static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** A key's stored form, {@code sha256:<hex>}. */
    public static String hash(String key) {
        return SCHEME + HexFormat.of().formatHex(digest(key));
    }

    /** Whether a string has the stored form (the digits in either case). */
    public static boolean isStoredForm(String stored) {
        return STORED.matcher(stored).matches();
    }

    /**
     * The digest a stored hash holds.
     *
     * @throws IllegalArgumentException when it is not {@code sha256:} and 64 hex digits; the message never repeats it
     */
    public static byte[] parse(String stored) {
        if (!isStoredForm(stored)) {
            throw new IllegalArgumentException("expected \"sha256:\" and 64 hex digits, the SHA-256 of the key"
                    + " (printf %s \"$key\" | sha256sum)");
        }
        return HexFormat.of().parseHex(stored.substring(SCHEME.length()).toLowerCase(Locale.ROOT));
    }
}
