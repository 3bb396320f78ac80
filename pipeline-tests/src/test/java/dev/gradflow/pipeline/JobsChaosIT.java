package dev.gradflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.job.JobDefinition;
import dev.gradflow.core.job.JobSetup;
import dev.gradflow.core.train.TrainingLoop;
import dev.gradflow.core.train.TrainingResult;
import dev.gradflow.kafka.broker.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A training job survives SIGKILLs of every service: the job-service, the forward-service, the gradient-service and
 * the gateway are each killed mid-job and restarted with the same instance id (as a StatefulSet restarts a pod), and
 * the job still ends with every step applied exactly once: parameters bit-identical to the in-process loop's.
 * Settings: {@code gradflow.chaos.job-kills} (rounds of kills over the four services, default 2).
 */
class JobsChaosIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> MODULES = List.of("job-service", "forward-service", "gradient-service",
            "gateway");

    private final Path repository = Path.of(System.getProperty("gradflow.repository.root", ".."));
    private final int rounds = Integer.getInteger("gradflow.chaos.job-kills", 2);

    @Test
    void aTrainingJobEndsBitIdenticallyDespiteKillsOfEveryService() throws Exception {
        String job = """
                {"network": %s, "dataset": {"generator": "spiral", "samples": 100, "classes": 3}, "init": "nnfs",
                 "batchSize": 50, "mode": "train", "epochs": 150, "accumulate": 2, "shuffle": true, "seed": 3,
                 "optimizer": {"type": "adam", "learningRate": 0.02, "decay": 1e-4}}""".formatted(JobsIT.BOOK_NETWORK);
        Path logDir = Files.createTempDirectory("gradflow-job-chaos-kafka");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().logDir(logDir).start()) {
            String bootstrap = broker.bootstrapServers();
            ServiceProcess[] services = new ServiceProcess[MODULES.size()];
            for (int i = 0; i < services.length; i++) {
                services[i] = ServiceProcess.start(repository, MODULES.get(i), bootstrap, "chaos-0");
            }
            try {
                for (ServiceProcess service : services) {
                    service.awaitReady(Duration.ofSeconds(90));
                }
                Gateway gateway = new Gateway(services[3].baseUrl());
                String jobId = gateway.submitJob(job);
                long total = 150L * 3;
                int kills = rounds * services.length;
                Instant started = Instant.now();
                for (int k = 0; k < kills; k++) {
                    // Each kill at its own point of the job, spread over its steps.
                    long threshold = total * (k + 1) / (kills + 2);
                    awaitStep(gateway, jobId, threshold);
                    int which = k % services.length;
                    services[which].kill();
                    Thread.sleep(300);
                    services[which] = ServiceProcess.start(repository, MODULES.get(which), bootstrap, "chaos-0");
                    services[which].awaitReady(Duration.ofSeconds(90));
                    if (which == 3) {
                        gateway = new Gateway(services[3].baseUrl());
                        // A restarted gateway knows the job again from job-progress alone.
                        awaitKnown(gateway, jobId);
                    }
                }
                JsonNode status = gateway.awaitJob(jobId, Duration.ofMinutes(5));
                JsonNode result = gateway.request("GET", "/jobs/" + jobId + "/result", null).json();

                JobSetup.Resolved setup = JobSetup.resolve(JSON.readValue(job, Object.class), JobSetup.Sources.NONE,
                        Limits.DEFAULT);
                TrainingResult expected = TrainingLoop.run(setup.network(), setup.network().parameters(),
                        setup.rows(), setup.definition().trainingPlan(),
                        ((JobDefinition.Train) setup.definition().mode()).optimizer());
                Object trained = JSON.readValue(JSON.writeValueAsBytes(result.get("network")), Object.class);
                System.out.printf("job chaos: %d steps in %.1f s with %d kills (%d per service); final loss %.6f,"
                        + " accuracy %.3f%n", status.get("step").asLong(),
                        Duration.between(started, Instant.now()).toMillis() / 1000.0, kills, rounds,
                        result.at("/epochs/149/loss").asDouble(), result.at("/epochs/149/accuracy").asDouble());
                assertThat(status.get("status").asText()).as(status.toString()).isEqualTo("done");
                assertThat(status.get("step").asLong()).isEqualTo(total);
                assertThat(result.get("iterations").asLong()).as("optimizer steps, each exactly once")
                        .isEqualTo(total);
                assertThat(GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT).parse(trained), Limits.DEFAULT)
                        .parameters()).as("trained parameters, bit for bit").isEqualTo(expected.parameters());
                assertThat(result.at("/epochs/149/loss").doubleValue()).isEqualTo(expected.lastEpoch().meanLoss());
            } finally {
                for (ServiceProcess service : services) {
                    if (service != null) {
                        service.close();
                    }
                }
            }
        }
    }

    private static void awaitStep(Gateway gateway, String jobId, long step) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (true) {
            JsonNode status = gateway.request("GET", "/jobs/" + jobId, null).json();
            if (status.path("step").asLong() >= step || !status.path("status").asText().matches("queued|running")) {
                return;
            }
            assertThat(Instant.now()).as("job %s reaching step %d", jobId, step).isBefore(deadline);
            Thread.sleep(50);
        }
    }

    private static void awaitKnown(Gateway gateway, String jobId) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (gateway.request("GET", "/jobs/" + jobId, null).status() != 200) {
            assertThat(Instant.now()).as("restarted gateway knowing job %s", jobId).isBefore(deadline);
            Thread.sleep(100);
        }
    }
}
