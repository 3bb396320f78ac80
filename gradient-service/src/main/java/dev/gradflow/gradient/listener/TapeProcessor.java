package dev.gradflow.gradient.listener;

import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.gradient.service.GradientCalculator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.jboss.logging.Logger;

/**
 * tapes → gradients. Runs on a worker thread, one record at a time, so a partition's records are answered in
 * order. The incoming tape is acknowledged only after the gradient record is acknowledged by the broker; a record
 * that is not a tape record is nacked and lands on {@code tapes-dead-letters} with the reason.
 */
@ApplicationScoped
public class TapeProcessor {
    private static final Logger LOG = Logger.getLogger(TapeProcessor.class);

    @Inject
    MeterRegistry meters;

    private Timer backwardTime;

    @PostConstruct
    void start() {
        backwardTime = Timer.builder("gradflow.processing.time").description("Time to answer one tape")
                .tag("stage", "backward").publishPercentileHistogram().register(meters);
    }

    @Incoming("tapes")
    @Outgoing("gradients")
    @Blocking
    public Record<String, byte[]> answer(Record<String, byte[]> tape) {
        GradientRecord answer = backwardTime.record(() -> GradientCalculator.answer(tape.value()));
        String outcome = answer.isFailed() ? "failed" : "ok";
        if (answer.isFailed()) {
            LOG.infof("batch %s of network %s failed: %s", answer.batchId(), answer.networkId(), answer.failure());
        }
        Counter.builder("gradflow.records.processed").description("Records consumed and handled")
                .tag("channel", "tapes").tag("outcome", outcome).register(meters).increment();
        return Record.of(answer.networkId(), answer.encode());
    }
}
