package dev.gradflow.kafka.broker;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A SASL/SCRAM-SHA-512 user of the secure broker: a principal {@code User:<name>} and its password.
 *
 * @param name the user name, which is also the principal's name in ACLs
 * @param password the password; never part of {@link #toString()}
 */
public record ScramUser(String name, String password) {

    /** The only SASL mechanism the secure broker enables. */
    public static final String MECHANISM = "SCRAM-SHA-512";

    public ScramUser {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(password, "password");
        if (name.isBlank() || name.contains("\"") || password.contains("\"") || password.contains("\\")) {
            throw new IllegalArgumentException("A SCRAM user name must not be blank, and neither name nor password may"
                    + " contain a quote or a backslash (they are written into a JAAS string)");
        }
    }

    /** A user with a fresh random password. */
    public static ScramUser withRandomPassword(String name) {
        return new ScramUser(name, TlsMaterial.randomSecret());
    }

    /** The value of {@code sasl.jaas.config} that logs in as this user. */
    public String jaasConfig() {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + name
                + "\" password=\"" + password + "\";";
    }

    /** {@code User:<name>}, as ACLs and {@code super.users} spell the principal. */
    public String principal() {
        return "User:" + name;
    }

    /**
     * The client properties for this user over SASL_SSL: {@code security.protocol}, {@code sasl.mechanism} and
     * {@code sasl.jaas.config} (the truststore properties come from the broker's {@link TlsMaterial}).
     */
    public Map<String, String> saslProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("security.protocol", "SASL_SSL");
        properties.put("sasl.mechanism", MECHANISM);
        properties.put("sasl.jaas.config", jaasConfig());
        return properties;
    }

    @Override
    public String toString() {
        return "ScramUser[" + name + "]";
    }
}
