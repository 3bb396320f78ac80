package dev.gradflow.kafka.broker;

import java.nio.file.Path;

/**
 * Runs the embedded broker as its own JVM for the local run script, so the services can be started
 * and restarted against one broker without installing Kafka.
 *
 * <p>Usage: {@code KafkaBrokerMain [port] [logDir]}. The port defaults to the system property
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

        if (args.length > 2 || (args.length > 0 && args[0].startsWith("-"))) {
            System.err.println("Usage: KafkaBrokerMain [port] [logDir]");
            System.exit(2);
        }
        int port = Integer.parseInt(args.length > 0 ? args[0] : System.getProperty(PORT_PROPERTY, String.valueOf(DEFAULT_PORT)));
        int controllerPort = Integer.getInteger(CONTROLLER_PORT_PROPERTY, 0);

        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder()
                .brokerPort(port)
                .controllerPort(controllerPort);
        if (args.length > 1) {
            builder.logDir(Path.of(args[1]));
        }
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith(BROKER_PROPERTY_PREFIX))
                .forEach(name -> builder.property(name.substring(BROKER_PROPERTY_PREFIX.length()),
                        System.getProperty(name)));
        EmbeddedKafkaBroker broker = builder.build();
        // Registered before start so that Ctrl-C during startup also removes the temporary log dir.
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-shutdown"));
        try {
            broker.start();
        } catch (RuntimeException e) {
            e.printStackTrace(); // its first line is the message, e.g. that the port is in use
            System.exit(1);
        }
        System.out.println("Kafka broker ready on " + broker.bootstrapServers());
        System.out.flush();
        // main returns here; the broker's non-daemon threads keep the JVM alive until a signal
        // runs the shutdown hook.
    }

    private static void setDefaultProperty(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }
}
