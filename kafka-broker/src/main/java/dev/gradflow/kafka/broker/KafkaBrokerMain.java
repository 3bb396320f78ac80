package dev.gradflow.kafka.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * Runs the embedded broker as its own JVM for the local run script, so the services can be started
 * and restarted against one broker without installing Kafka.
 *
 * <p>Usage: {@code KafkaBrokerMain [--secure DIR] [port] [logDir]}. The port defaults to the system property
 * {@value #PORT_PROPERTY}, else 9092. Without a log dir, data lives in a temporary directory that
 * is deleted on exit, so every run starts from empty topics; pass a directory to keep data across
 * runs. The controller listener takes a free port unless {@value #CONTROLLER_PORT_PROPERTY} is set.
 *
 * <p>Prints exactly one line to stdout, {@code Kafka broker ready on 127.0.0.1:<port>}, once
 * clients can connect, so scripts can wait for it. Logs go to stderr at WARN and above (when run
 * with the {@code target/lib} classpath, which contains slf4j-simple); override with
 * {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=info}. SIGTERM and Ctrl-C shut the broker down
 * cleanly.
 *
 * <p>With {@code --secure DIR} the broker runs in its secure mode ({@link EmbeddedKafkaBroker}: SASL_SSL with
 * SCRAM-SHA-512, ACLs, a certificate authority made at start) and, before it says it is ready, creates gradflow's
 * topics, one SCRAM user per service with a random password and its ACLs ({@link ServiceAcls}), and writes each
 * service's Kafka client properties to {@code DIR/<service>.properties} and the administrator's to
 * {@code DIR/admin.properties} (security protocol, SASL mechanism and JAAS login, truststore location, type and
 * password; no bootstrap servers), readable by this user only. They are deleted with the broker's TLS stores on exit,
 * so they are good for one run only. A secure broker needs a fresh log dir.
 *
 * <p>A system property {@value #BROKER_PROPERTY_PREFIX}{@code <name>} sets the broker property {@code <name>},
 * over the embedded broker's own choice, e.g. {@code -Dgradflow.kafka.broker.add.partitions.to.txn.retry.backoff.ms=20}
 * to measure the broker's default.
 */
public final class KafkaBrokerMain {

    public static final String PORT_PROPERTY = "gradflow.kafka.port";
    public static final String CONTROLLER_PORT_PROPERTY = "gradflow.kafka.controller.port";
    public static final String BROKER_PROPERTY_PREFIX = "gradflow.kafka.broker.";
    static final int DEFAULT_PORT = 9092;

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) {
        // Must run before the first logger is created, i.e. before EmbeddedKafkaBroker is touched.
        setDefaultProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setDefaultProperty("org.slf4j.simpleLogger.showDateTime", "true");
        setDefaultProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");

        Path secureDir = null;
        if (args.length >= 2 && args[0].equals("--secure")) {
            secureDir = Path.of(args[1]);
            args = java.util.Arrays.copyOfRange(args, 2, args.length);
        }
        if (args.length > 2 || (args.length > 0 && args[0].startsWith("-"))) {
            System.err.println("Usage: KafkaBrokerMain [--secure DIR] [port] [logDir]");
            System.exit(2);
        }
        int port = Integer.parseInt(args.length > 0 ? args[0] : System.getProperty(PORT_PROPERTY, String.valueOf(DEFAULT_PORT)));
        int controllerPort = Integer.getInteger(CONTROLLER_PORT_PROPERTY, 0);

        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder()
                .brokerPort(port)
                .controllerPort(controllerPort);
        if (secureDir != null) {
            builder.secure();
        }
        if (args.length > 1) {
            builder.logDir(Path.of(args[1]));
        }
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith(BROKER_PROPERTY_PREFIX))
                .forEach(name -> builder.property(name.substring(BROKER_PROPERTY_PREFIX.length()),
                        System.getProperty(name)));
        EmbeddedKafkaBroker broker = builder.build();
        List<Path> written = new java.util.concurrent.CopyOnWriteArrayList<>();
        // Registered before start so that Ctrl-C during startup also removes the temporary log dir.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            deleteQuietly(written);
        }, "kafka-broker-shutdown"));
        try {
            broker.start();
            if (secureDir != null) {
                writeClientProperties(broker, secureDir, written);
            }
        } catch (RuntimeException e) {
            e.printStackTrace(); // its first line is the message, e.g. that the port is in use
            System.exit(1);
        }
        System.out.println("Kafka broker ready on " + broker.bootstrapServers());
        System.out.flush();
        // main returns here; the broker's non-daemon threads keep the JVM alive until a signal
        // runs the shutdown hook.
    }

    /** Sets the secure broker up for the services and writes each one's client properties (see the class comment). */
    private static void writeClientProperties(EmbeddedKafkaBroker broker, Path dir, List<Path> written) {
        Map<String, ScramUser> users = new java.util.LinkedHashMap<>(ServiceAcls.setUp(broker));
        users.put(EmbeddedKafkaBroker.ADMIN_USER, broker.adminUser());
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, ScramUser> user : users.entrySet()) {
                StringBuilder text = new StringBuilder("# Kafka client properties of User:" + user.getValue().name()
                        + " for this broker run only; deleted when the broker stops.\n");
                broker.clientProperties(user.getValue()).forEach((name, value) -> {
                    if (!name.equals("bootstrap.servers")) {
                        text.append(name).append('=').append(value).append('\n');
                    }
                });
                Path file = dir.resolve(user.getKey() + ".properties");
                Files.deleteIfExists(file);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                written.add(file);
                Files.writeString(file, text, StandardOpenOption.TRUNCATE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the client properties to " + dir, e);
        }
    }

    private static void deleteQuietly(List<Path> files) {
        for (Path file : files) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                System.err.println("Could not delete " + file + ": " + e);
            }
        }
    }

    private static void setDefaultProperty(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }
}
