package dev.gradflow.exactlyonce;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both streams do about transactions the broker refuses as unauthorised (an output topic or group without
 * its ACL): retrying at once would only spin, so each refusal in a row waits longer (1 s, doubling, at most 8 s)
 * while the health check says {@link StreamHealth.State#BLOCKED} and why. The records were rewound by then, so
 * they wait on their topic, uncommitted, never lost; the first commit after the ACL exists clears the state.
 */
final class RefusedTransactions {
    private static final Logger LOG = LoggerFactory.getLogger(RefusedTransactions.class);

    private final String memberName;
    private final Consumer<StreamHealth> show;
    private int inARow;

    /** @param show sets the stream's health */
    RefusedTransactions(String memberName, Consumer<StreamHealth> show) {
        this.memberName = memberName;
        this.show = show;
    }

    /** The refusal behind a failed transaction, or null when something else failed it. */
    static AuthorizationException refusalBehind(Throwable failure) {
        return StreamClients.deniedBy(failure);
    }

    /** A transaction committed: a stream that was blocked runs again. */
    void committed(boolean staticMember) {
        if (inARow > 0) {
            inARow = 0;
            show.accept(StreamHealth.running(memberName, staticMember));
            LOG.info("{}: the broker allows its transactions again", memberName);
        }
    }

    /**
     * A transaction of {@code records} records was refused and aborted, and its records rewound: says so and waits
     * before the next try, for as long as {@code running}.
     */
    void refused(int records, AuthorizationException refusal, BooleanSupplier running) {
        Duration backoff = StreamClients.deniedBackoff(++inARow);
        show.accept(StreamHealth.blocked(memberName, "Kafka refused the transaction (check the principal's ACLs); its "
                + records + " records stay uncommitted and are retried every " + backoff.toSeconds() + " s: "
                + refusal));
        LOG.error("{}: transaction of {} records refused, retrying in {}: {}", memberName, records, backoff,
                refusal.toString());
        try {
            StreamClients.sleepWhile(backoff, running);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
