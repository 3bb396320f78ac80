package dev.gradflow.kafka.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka cluster (one process acting as both KRaft controller and broker) running in
 * this JVM, bound to the loopback interface only.
 *
 * <p>Only loopback is supported on purpose: the broker is a test and local-development fixture and
 * must never be reachable from the network. Its defaults differ from a stock broker where a single
 * node needs it (replication factors and ISR of 1, no initial rebalance delay) and where this project
 * needs it: records of tens of megabytes, hence {@link #DEFAULT_MAX_MESSAGE_BYTES}.
 *
 * <p>Instances are single-use: {@link #start()} once, {@link #close()} once (repeated closes are
 * no-ops). Create them with {@link #builder()}.
 *
 * <p><b>Secure mode</b> ({@link Builder#secure()}) is the broker as a deployment should run it: clients connect
 * over TLS and authenticate with SASL/SCRAM-SHA-512, and KRaft's {@code StandardAuthorizer} refuses everything
 * that no ACL allows ({@code allow.everyone.if.no.acl.found=false}). Its two listeners:
 * <ul>
 *   <li>{@value #CLIENT_LISTENER} on {@link #brokerPort()}, the only one advertised ({@link #bootstrapServers()}):
 *       {@code SASL_SSL} with SCRAM-SHA-512. The broker's own inter-broker connections (transaction markers, to
 *       itself) use it too, as the super user {@value #BROKER_USER}.</li>
 *   <li>{@value #CONTROLLER_LISTENER} on {@link #controllerPort()}: {@code SSL} that requires a client certificate
 *       signed by the broker's own certificate authority, whose private key never leaves this JVM; only the
 *       broker's half talking to its controller half has one. Clients cannot use it.</li>
 * </ul>
 * A fresh certificate authority and broker certificate ({@link TlsMaterial}) are generated at start and deleted
 * on close. The super users are the broker certificate's subject ({@value TlsMaterial#BROKER_SUBJECT}),
 * {@value #BROKER_USER} and {@value #ADMIN_USER}, whose SCRAM credentials are written, with random passwords, at
 * format time; {@link #adminUser()} sets up users ({@link #createUser}), topics and ACLs. Secure mode needs a log
 * directory that is not formatted yet, since the passwords of a previous start are gone.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /**
     * Largest record batch the broker accepts (64 MiB), also used as the replica fetch size. Stock
     * Kafka stops at about 1 MiB, far below the gradient and activation records this project sends.
     * Clients must raise their own limits to match ({@code max.request.size},
     * {@code max.partition.fetch.bytes}, {@code fetch.max.bytes}).
     */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

    /** Partitions of a topic created on first use ({@code num.partitions}). */
    public static final int DEFAULT_PARTITIONS = 6;

    /** The only address the broker binds to and advertises. */
    public static final String HOST = "127.0.0.1";

    /** Generous enough for a cold JVM on a slow CI machine; a warm start takes a few seconds. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** The client listener of the secure mode. */
    public static final String CLIENT_LISTENER = "CLIENTS";
    /** The controller listener, plaintext or (secure mode) TLS with required client certificates. */
    public static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** The SCRAM super user the broker connects to itself as, in secure mode. */
    public static final String BROKER_USER = "broker";
    /** The SCRAM super user that sets up users, topics and ACLs, in secure mode. */
    public static final String ADMIN_USER = "admin";
    /** SCRAM-SHA-512's minimum, and Kafka's default. */
    private static final int SCRAM_ITERATIONS = 4096;
    private static final Duration USER_READY_TIMEOUT = Duration.ofSeconds(30);

    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    /** Retries only cover the small race between probing a free port and Kafka binding it. */
    private static final int MAX_START_ATTEMPTS = 3;

    private enum State { NEW, RUNNING, CLOSED }

    private final int requestedBrokerPort;
    private final int requestedControllerPort;
    private final Path requestedLogDir;
    private final Map<String, String> extraProperties;
    private final Duration startTimeout;
    private final boolean secure;

    /** Volatile so the accessors need no lock; ports and log dir are written before it. */
    private volatile State state = State.NEW;
    private KafkaRaftServer server;
    private Path logDir;
    private boolean deleteLogDirOnClose;
    private int brokerPort;
    private int controllerPort;
    private TlsMaterial tls;
    private ScramUser brokerUser;
    private ScramUser adminUser;

    private EmbeddedKafkaBroker(Builder builder) {
        this.requestedBrokerPort = builder.brokerPort;
        this.requestedControllerPort = builder.controllerPort;
        this.requestedLogDir = builder.logDir;
        this.extraProperties = Map.copyOf(builder.extraProperties);
        this.startTimeout = builder.startTimeout;
        this.secure = builder.secure;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the log directory if needed, starts controller and broker, and returns only once a
     * client can talk to the broker, so callers never race a half-started broker.
     *
     * @return this broker, for chaining
     * @throws IllegalStateException if the broker does not become ready within the start timeout,
     *                               or was already started
     */
    public synchronized EmbeddedKafkaBroker start() {
        if (state != State.NEW) {
            throw new IllegalStateException("An EmbeddedKafkaBroker can be started only once; state is " + state);
        }
        long startNanos = System.nanoTime();
        long deadlineNanos = startNanos + startTimeout.toNanos();
        prepareLogDir();
        try {
            if (secure) {
                prepareSecurity();
            }
            startWithRetries(deadlineNanos);
        } catch (RuntimeException | Error e) {
            state = State.CLOSED;
            deleteLogDirQuietly();
            deleteTlsQuietly();
            throw e;
        }
        state = State.RUNNING;
        LOG.info("Kafka broker started on {} ({}) in {} ms (log dir {})", bootstrapServers(),
                secure ? "SASL_SSL, SCRAM-SHA-512, ACLs" : "PLAINTEXT",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), logDir);
        return this;
    }

    private void startWithRetries(long deadlineNanos) {
        for (int attempt = 1; ; attempt++) {
            pickPorts();
            KafkaRaftServer candidate = null;
            try {
                KafkaConfig config = KafkaConfig.fromProps(Utils.mkProperties(brokerProperties()), false);
                formatIfNeeded(config);
                candidate = new KafkaRaftServer(config, Time.SYSTEM);
                candidate.startup();
                awaitReady(deadlineNanos);
                server = candidate;
                return;
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                shutdownQuietly(candidate);
                // All ports were free a moment ago, so a bind failure means another process took one in
                // between; the next attempt probes again, and fails plainly if a requested port is taken.
                if (isBindFailure(e) && attempt < MAX_START_ATTEMPTS && System.nanoTime() < deadlineNanos) {
                    LOG.warn("Kafka broker could not bind a probed free port, retrying: {}", e.toString());
                    continue;
                }
                throw new IllegalStateException("Kafka broker failed to start on " + HOST + " (broker port "
                        + brokerPort + ", controller port " + controllerPort + ", log dir " + logDir + "): " + e, e);
            }
        }
    }

    /** {@code host:port} of the broker listener, the value for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        requireStartedOnce();
        return HOST + ":" + brokerPort;
    }

    public int brokerPort() {
        requireStartedOnce();
        return brokerPort;
    }

    public int controllerPort() {
        requireStartedOnce();
        return controllerPort;
    }

    public Path logDir() {
        requireStartedOnce();
        return logDir;
    }

    /** Whether clients must connect over SASL_SSL (see the class comment). */
    public boolean isSecure() {
        return secure;
    }

    /** The secure broker's certificate authority and stores. */
    public TlsMaterial tls() {
        requireSecure();
        return tls;
    }

    /** The secure broker's super user for setting up users, topics and ACLs. */
    public ScramUser adminUser() {
        requireSecure();
        return adminUser;
    }

    /**
     * Everything a client of the secure broker needs to connect as {@code user}: {@code bootstrap.servers},
     * {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config} and {@code ssl.truststore.*}.
     * The user need not exist: a wrong one is how tests are refused.
     */
    public Map<String, String> clientProperties(ScramUser user) {
        requireSecure();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.putAll(user.saslProperties());
        properties.putAll(tls.truststoreProperties());
        return properties;
    }

    /** {@link #clientProperties} of the {@link #adminUser()}, for an admin client. */
    public Map<String, Object> adminClientProperties() {
        return new HashMap<>(clientProperties(adminUser));
    }

    /**
     * Creates (or changes the password of) a SCRAM-SHA-512 user with a random password, and returns once the
     * broker accepts it: the controller commits the credential, and the broker applies it a moment later.
     */
    public ScramUser createUser(String name) {
        ScramUser user = ScramUser.withRandomPassword(name);
        try (Admin admin = Admin.create(adminClientProperties())) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user.name(),
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), user.password())))
                    .all().get(USER_READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Could not create the SCRAM user " + name + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the SCRAM user " + name, e);
        }
        awaitAuthenticates(user);
        return user;
    }

    private void awaitAuthenticates(ScramUser user) {
        long deadline = System.nanoTime() + USER_READY_TIMEOUT.toNanos();
        Map<String, Object> config = new HashMap<>(clientProperties(user));
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "gradflow-embedded-kafka-user-check");
        while (true) {
            try (Admin admin = Admin.create(config)) {
                admin.describeCluster().nodes().get(USER_READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof SaslAuthenticationException) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("The new SCRAM user " + user.name() + " cannot log in: "
                            + e.getCause(), e.getCause());
                }
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("The new SCRAM user " + user.name() + " cannot log in", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while checking the SCRAM user " + user.name(), e);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while checking the SCRAM user " + user.name(), e);
            }
        }
    }

    private void requireSecure() {
        requireStartedOnce();
        if (!secure) {
            throw new IllegalStateException("This Kafka broker speaks plaintext; build it with secure()");
        }
    }

    public boolean isRunning() {
        return state == State.RUNNING;
    }

    /**
     * Shuts the broker down, waits until all its threads and sockets are gone, then deletes the log
     * directory if this broker created it. Safe to call repeatedly and from a shutdown hook.
     */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        try {
            if (server != null) {
                long startNanos = System.nanoTime();
                server.shutdown();
                server.awaitShutdown();
                LOG.info("Kafka broker on {}:{} stopped in {} ms", HOST, brokerPort,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
            }
        } finally {
            server = null;
            deleteTlsQuietly();
            if (deleteLogDirOnClose && logDir != null) {
                try {
                    Utils.delete(logDir.toFile());
                } catch (IOException e) {
                    throw new UncheckedIOException("Could not delete Kafka log dir " + logDir, e);
                }
            }
        }
    }

    private void requireStartedOnce() {
        if (state == State.NEW) {
            throw new IllegalStateException("Kafka broker has not been started");
        }
    }

    private void prepareLogDir() {
        try {
            if (requestedLogDir == null) {
                logDir = Files.createTempDirectory("gradflow-kafka-");
                deleteLogDirOnClose = true;
            } else {
                logDir = Files.createDirectories(requestedLogDir.toAbsolutePath());
                deleteLogDirOnClose = false;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create Kafka log dir", e);
        }
    }

    /**
     * A fresh certificate authority and users for this start. A formatted log dir holds the credentials of an
     * earlier start, whose passwords are gone: refused rather than started with users nobody can log in as.
     */
    private void prepareSecurity() {
        if (Files.exists(logDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME))) {
            throw new IllegalStateException("A secure Kafka broker needs a log dir that is not formatted yet; "
                    + logDir + " was formatted by an earlier start");
        }
        tls = TlsMaterial.generate(HOST);
        brokerUser = ScramUser.withRandomPassword(BROKER_USER);
        adminUser = ScramUser.withRandomPassword(ADMIN_USER);
    }

    private void deleteTlsQuietly() {
        if (tls != null) {
            try {
                tls.close();
            } catch (UncheckedIOException e) {
                LOG.warn("Could not delete the Kafka broker's TLS stores in {}", tls.directory(), e);
            }
        }
    }

    private void deleteLogDirQuietly() {
        if (deleteLogDirOnClose && logDir != null) {
            try {
                Utils.delete(logDir.toFile());
            } catch (IOException e) {
                LOG.warn("Could not delete Kafka log dir {}", logDir, e);
            }
        }
    }

    /**
     * Port 0 cannot be handed to Kafka directly: the controller quorum voters entry needs the real
     * controller port before the controller binds, so free ports are probed here. Both probe sockets
     * are held open together so the two ports differ. Requested ports are probed too, so that a port
     * in use (typically a broker still running) fails fast with a plain message instead of after a
     * half-started broker and pages of Kafka stack traces.
     */
    private void pickPorts() {
        try (ServerSocket brokerProbe = probeSocket(requestedBrokerPort, "broker");
             ServerSocket controllerProbe = probeSocket(requestedControllerPort, "controller")) {
            brokerPort = brokerProbe.getLocalPort();
            controllerPort = controllerProbe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not probe ports on " + HOST, e);
        }
    }

    private static ServerSocket probeSocket(int port, String listener) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true); // as Kafka's own listener does, so TIME_WAIT does not count as in use
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port), 1);
            return socket;
        } catch (BindException e) {
            socket.close();
            throw new IllegalStateException("Cannot start Kafka broker: " + listener + " port " + port + " on " + HOST
                    + " is already in use (is another broker still running?)", e);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private Map<String, String> brokerProperties() {
        String maxMessageBytes = extraProperties.getOrDefault("message.max.bytes",
                String.valueOf(DEFAULT_MAX_MESSAGE_BYTES));
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        if (secure) {
            props.putAll(secureListenerProperties());
        } else {
            props.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort + ","
                    + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
            props.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
            props.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            props.put("inter.broker.listener.name", BROKER_LISTENER);
        }
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("log.dirs", logDir.toString());
        // Topics gradflow creates on first use get six partitions, so up to six instances of a service share the
        // work of one topic (records are keyed by batch id, so even one network's batches spread over them).
        props.put("num.partitions", String.valueOf(DEFAULT_PARTITIONS));
        props.put("auto.create.topics.enable", "true");
        // Internal topics default to replication factor 3 and would never become available on one node.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // 50 partitions per internal topic cost a noticeable delay on the first consumer group.
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.num.partitions", "1");
        // The 3 s default only helps when several consumers join a group at slightly different times.
        props.put("group.initial.rebalance.delay.ms", "0");
        // A crashed producer's open transaction blocks read_committed readers until the coordinator aborts it:
        // check for expired transactions every second instead of every ten.
        props.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        // A producer that starts its next transaction while the markers of the last are still being written has
        // its first record's partition check refused as a concurrent transaction; the broker retries that check
        // after 20 ms by default, which put 20 ms on every transaction of a busy service (measured: a one-record
        // transaction's send took 25 ms at the default, 8 ms at 2 ms).
        props.put("add.partitions.to.txn.retry.backoff.ms", "2");
        props.put("message.max.bytes", maxMessageBytes);
        // The operating system's socket buffers, which grow with the traffic, instead of Kafka's fixed 100 KiB:
        // records of megabytes (tapes, answers) otherwise cross each socket in dozens of reads by a busy thread.
        props.put("socket.receive.buffer.bytes", "-1");
        props.put("socket.send.buffer.bytes", "-1");
        props.put("replica.fetch.max.bytes", maxMessageBytes);
        // Makes the broker give up waiting for the controller instead of blocking startup forever.
        props.put("server.max.startup.time.ms", String.valueOf(startTimeout.toMillis()));
        props.putAll(extraProperties);
        return props;
    }

    /** The listeners, TLS stores, SCRAM and authorizer of the secure mode (see the class comment). */
    private Map<String, String> secureListenerProperties() {
        String clients = CLIENT_LISTENER.toLowerCase(java.util.Locale.ROOT);
        String controller = CONTROLLER_LISTENER.toLowerCase(java.util.Locale.ROOT);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("listeners", CLIENT_LISTENER + "://" + HOST + ":" + brokerPort + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", CLIENT_LISTENER + "://" + HOST + ":" + brokerPort);
        props.put("listener.security.protocol.map", CLIENT_LISTENER + ":SASL_SSL," + CONTROLLER_LISTENER + ":SSL");
        props.put("inter.broker.listener.name", CLIENT_LISTENER);
        props.put("sasl.enabled.mechanisms", ScramUser.MECHANISM);
        props.put("sasl.mechanism.inter.broker.protocol", ScramUser.MECHANISM);
        // The client side of the broker's connections to itself; the server side needs no JAAS entry for SCRAM.
        props.put("listener.name." + clients + ".scram-sha-512.sasl.jaas.config", brokerUser.jaasConfig());
        props.put("listener.name." + controller + ".ssl.client.auth", "required");
        props.put("ssl.keystore.type", TlsMaterial.STORE_TYPE);
        props.put("ssl.keystore.location", tls.keystore().toString());
        props.put("ssl.keystore.password", tls.keystorePassword());
        props.put("ssl.key.password", tls.keystorePassword());
        props.put("ssl.truststore.type", TlsMaterial.STORE_TYPE);
        props.put("ssl.truststore.location", tls.truststore().toString());
        props.put("ssl.truststore.password", tls.truststorePassword());
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("allow.everyone.if.no.acl.found", "false");
        props.put("super.users", "User:" + tls.brokerPrincipal() + ";" + brokerUser.principal() + ";"
                + adminUser.principal());
        return props;
    }

    /**
     * Does what {@code kafka-storage.sh format} does, via the same {@link Formatter} class that
     * {@code kafka.tools.StorageTool} delegates to. A directory that already holds
     * {@code meta.properties} is reused as is, so a persistent log dir survives restarts.
     */
    private void formatIfNeeded(KafkaConfig config) throws Exception {
        if (Files.exists(logDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME))) {
            return;
        }
        ByteArrayOutputStream formatterOutput = new ByteArrayOutputStream();
        try (PrintStream printStream = new PrintStream(formatterOutput, true, StandardCharsets.UTF_8)) {
            Formatter formatter = new Formatter()
                    .setPrintStream(printStream)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setDirectories(List.of(logDir.toString()));
            if (secure) {
                // The super users exist from the first metadata record on (KIP-900), so the broker can log in to
                // itself, and the admin set up the rest, as soon as it starts.
                formatter.setScramArguments(List.of(scramArgument(brokerUser), scramArgument(adminUser)));
            }
            formatter.run();
        }
        LOG.debug("Formatted Kafka log dir: {}", formatterOutput.toString(StandardCharsets.UTF_8).trim());
    }

    private static String scramArgument(ScramUser user) {
        return ScramUser.MECHANISM + "=[name=" + user.name() + ",password=" + user.password() + ",iterations="
                + SCRAM_ITERATIONS + "]";
    }

    /**
     * {@link KafkaRaftServer#startup()} already waits until the broker is unfenced; asking for the
     * cluster through the broker listener additionally proves that the listener serves clients.
     */
    private void awaitReady(long deadlineNanos) throws InterruptedException {
        long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
        Map<String, Object> adminConfig = new HashMap<>();
        if (secure) {
            adminConfig.putAll(adminUser.saslProperties());
            adminConfig.putAll(tls.truststoreProperties());
        }
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + brokerPort);
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "gradflow-embedded-kafka-readiness");
        try (Admin admin = Admin.create(adminConfig)) {
            DescribeClusterOptions options = new DescribeClusterOptions()
                    .timeoutMs((int) Math.min(remainingMs, Integer.MAX_VALUE));
            Collection<Node> nodes = admin.describeCluster(options).nodes().get();
            if (nodes.isEmpty()) {
                throw new IllegalStateException("Kafka broker reported an empty cluster");
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka broker did not answer a describeCluster request within "
                    + startTimeout.toMillis() + " ms of starting", e.getCause());
        }
    }

    private static void shutdownQuietly(KafkaRaftServer candidate) {
        if (candidate == null) {
            return;
        }
        try {
            candidate.shutdown();
            candidate.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Error while shutting down a Kafka broker that failed to start", e);
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    /** Options for an {@link EmbeddedKafkaBroker}; every option has a working default. */
    public static final class Builder {
        private int brokerPort;
        private int controllerPort;
        private Path logDir;
        private final Map<String, String> extraProperties = new LinkedHashMap<>();
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private boolean secure;

        private Builder() {
        }

        /**
         * Runs the broker secure: TLS and SASL/SCRAM-SHA-512 for clients, ACLs enforced, nothing allowed without
         * one (see the class comment).
         */
        public Builder secure() {
            this.secure = true;
            return this;
        }

        /** Port of the client listener; 0 (the default) picks a free one. */
        public Builder brokerPort(int port) {
            this.brokerPort = checkPort(port);
            return this;
        }

        /** Port of the KRaft controller listener; 0 (the default) picks a free one. */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort(port);
            return this;
        }

        /**
         * Directory for logs and metadata, created and formatted if needed and kept on close. Without
         * one, a fresh temporary directory is used and deleted on close.
         */
        public Builder logDir(Path logDir) {
            this.logDir = Objects.requireNonNull(logDir, "logDir");
            return this;
        }

        /** A broker property that overrides the defaults, e.g. {@code log.retention.ms}. */
        public Builder property(String name, String value) {
            extraProperties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Broker properties that override the defaults. */
        public Builder properties(Map<String, String> properties) {
            properties.forEach(this::property);
            return this;
        }

        /** How long {@link EmbeddedKafkaBroker#start()} may take before failing. */
        public Builder startTimeout(Duration startTimeout) {
            if (startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive: " + startTimeout);
            }
            this.startTimeout = startTimeout;
            return this;
        }

        public EmbeddedKafkaBroker build() {
            return new EmbeddedKafkaBroker(this);
        }

        /** Shortcut for {@code build().start()}. */
        public EmbeddedKafkaBroker start() {
            return build().start();
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Not a TCP port: " + port);
            }
            return port;
        }
    }
}
