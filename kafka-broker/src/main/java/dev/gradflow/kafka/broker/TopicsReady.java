package dev.gradflow.kafka.broker;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates topics and returns once every partition of each has a leader. {@code createTopics} completes when the
 * controller has recorded the topics, before the broker has loaded them: a producer that writes then retries, and a
 * {@code describeTopics} in that window fails with {@link UnknownTopicOrPartitionException}. Tests that count
 * records per partition or time their first answers start after this instead.
 */
public final class TopicsReady {
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private TopicsReady() {
    }

    /**
     * Creates {@code topics} and waits until the broker hosts every partition of each.
     *
     * @throws TimeoutException if a partition still has no leader after {@code timeout}
     */
    public static void create(Admin admin, Duration timeout, Collection<NewTopic> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        Instant deadline = Instant.now().plus(timeout);
        admin.createTopics(topics).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<String> names = topics.stream().map(NewTopic::name).toList();
        while (!allLed(admin, names, timeout)) {
            if (Instant.now().isAfter(deadline)) {
                throw new TimeoutException("partitions of " + names + " still without a leader after " + timeout);
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    /** Whether every partition of {@code names} has a leader; false while the broker does not know one of them. */
    private static boolean allLed(Admin admin, List<String> names, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            Collection<TopicDescription> descriptions = admin.describeTopics(names).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).values();
            return descriptions.stream().allMatch(topic -> topic.partitions().stream()
                    .allMatch(partition -> partition.leader() != null));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }
}
