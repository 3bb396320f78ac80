package dev.gradflow.pipeline;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One packaged Quarkus service ({@code <module>/target/quarkus-app/quarkus-run.jar}) running in its own JVM on a
 * free loopback port, its output in {@code pipeline-tests/target/service-logs/<module>.log}.
 */
final class ServiceProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String module;
    private final Process process;
    private final int port;
    private final Path log;

    private ServiceProcess(String module, Process process, int port, Path log) {
        this.module = module;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static ServiceProcess start(Path repository, String module, String bootstrapServers) throws IOException {
        return start(repository, module, bootstrapServers, null);
    }

    /**
     * Starts {@code module}; with an {@code instanceId} ({@code gradflow.instance-id}) the service is a static group
     * member with a stable transactional id, so a restart with the same id takes over at once.
     */
    static ServiceProcess start(Path repository, String module, String bootstrapServers, String instanceId)
            throws IOException {
        return start(repository, module, bootstrapServers, instanceId, Map.of());
    }

    /**
     * Starts {@code module} with further Kafka client properties, given as a deployment gives them: as environment
     * variables ({@code sasl.jaas.config} as {@code KAFKA_SASL_JAAS_CONFIG}), so secrets never appear on a command
     * line.
     */
    static ServiceProcess start(Path repository, String module, String bootstrapServers, String instanceId,
            Map<String, String> kafkaProperties) throws IOException {
        Path jar = repository.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; build the service first (./mvnw verify builds"
                    + " every module before these tests)");
        }
        int port = freePort();
        Path logs = Files.createDirectories(repository.resolve("pipeline-tests/target/service-logs"));
        Path log = logs.resolve(module + "-" + System.currentTimeMillis() + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx2g",
                "-Dkafka.bootstrap.servers=" + bootstrapServers,
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.log.category.\"org.apache.kafka\".level=WARN"));
        if (instanceId != null) {
            command.add("-Dgradflow.instance-id=" + instanceId);
        }
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        kafkaProperties.forEach((name, value) -> builder.environment().put(environmentName(name), value));
        Process process = builder
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new ServiceProcess(module, process, port, log);
    }

    /** The environment variable Quarkus maps to the Kafka property {@code name}: {@code kafka.} + name. */
    static String environmentName(String kafkaProperty) {
        return "KAFKA_" + kafkaProperty.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Where the service's output goes. */
    Path log() {
        return log;
    }

    /** GET {@code path} on the service (e.g. {@code /q/health/ready}): its status and body. */
    Gateway.Response get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return new Gateway.Response(response.statusCode(), response.body());
    }

    /** Waits until {@code /q/health/ready} answers 200, failing early if the process dies. */
    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl()
                        + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(module + " was not ready within " + timeout + "; see " + log);
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye, as a crashed node or an OOM-killed pod. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
