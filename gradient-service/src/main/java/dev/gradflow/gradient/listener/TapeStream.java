package dev.gradflow.gradient.listener;

import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.core.wire.WireFormatException;
import dev.gradflow.exactlyonce.ExactlyOnceStream;
import dev.gradflow.exactlyonce.Outcome;
import dev.gradflow.exactlyonce.StreamHealth;
import dev.gradflow.core.wire.AnswerTopic;
import dev.gradflow.gradient.config.GradientConfig;
import dev.gradflow.gradient.config.StreamConfig;
import dev.gradflow.gradient.service.FailureReason;
import dev.gradflow.gradient.service.GradientCalculator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * tapes → gradients, exactly once. The shared {@link ExactlyOnceStream} reads tapes; each is answered here, and every
 * answer that is ready is committed with its tape's offset in one transaction: a crash before the commit leaves
 * neither, and the tape is read again; a crash after leaves both. A record that is not a tape goes, in the same
 * transaction, to {@code tapes-dead-letters} with the reason in its headers, and the service carries on.
 */
@ApplicationScoped
public class TapeStream {
    private static final Logger LOG = Logger.getLogger(TapeStream.class);

    @Inject
    StreamConfig settings;

    @Inject
    GradientConfig config;

    @Inject
    MeterRegistry meters;

    /** Quarkus' shared Kafka configuration ({@code kafka.*}): bootstrap servers, security. */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @ConfigProperty(name = "gradflow.instance-id")
    Optional<String> instanceId;

    private Timer backwardTime;
    private volatile ExactlyOnceStream stream;

    void start(@Observes StartupEvent event) {
        backwardTime = Timer.builder("gradflow.processing.time").description("Time to answer one tape")
                .tag("stage", "backward").publishPercentileHistogram().register(meters);
        stream = ExactlyOnceStream.start(settings, kafka, instanceId, record -> answer(record.value()), meters)
                .expectFailures(FailureReason.tags());
    }

    void stop(@Observes ShutdownEvent event) {
        if (stream != null) {
            stream.close();
        }
    }

    /** The stream's state for the health checks; starting until the application has started it. */
    public StreamHealth health() {
        ExactlyOnceStream current = stream;
        return current == null ? new StreamHealth(StreamHealth.State.STARTING, "", "not started yet")
                : current.health();
    }

    private Outcome answer(byte[] tape) {
        try {
            GradientCalculator.Answered answered = backwardTime.record(() -> GradientCalculator.answer(tape,
                    config.maxTapeNodes(), config.maxTensorElements()));
            GradientRecord answer = answered.record();
            Outcome.Answer outcome;
            if (answered.failure() == null) {
                outcome = Outcome.Answer.ok(answer.networkId(), answer.encode(), answered.samples());
            } else {
                LOG.infof("batch %s of network %s failed: %s", answer.batchId(), answer.networkId(),
                        answer.failure());
                outcome = Outcome.Answer.failed(answer.networkId(), answer.encode(), answered.samples(),
                        answered.failure().tag());
            }
            // A job's batch is keyed, like every answer, by its network id, which for a job is the job id.
            return answered.answerTopic() == AnswerTopic.JOBS ? outcome.to(config.jobsTopic()) : outcome;
        } catch (WireFormatException e) {
            LOG.warnf("dead-lettering an unreadable tape record: %s", e.getMessage());
            return Outcome.DeadLetter.malformed(e.getMessage());
        }
    }
}
