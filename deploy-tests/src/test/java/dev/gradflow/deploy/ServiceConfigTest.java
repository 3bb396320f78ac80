package dev.gradflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The reading of the services' application.properties the deploy checks rely on: it finds every topic the README
 * lists, the consumer groups, ports and record sizes, the topics that must be compacted or partitioned like another,
 * no key naming a topic escapes it, and the stream defaults it assumes are still the code's.
 */
class ServiceConfigTest {

    @Test
    void findsExactlyTheTopicsTheReadmeLists() {
        Set<String> found = new TreeSet<>();
        ServiceConfig.all().forEach(service -> found.addAll(service.topics()));

        assertThat(found).containsExactlyInAnyOrderElementsOf(readmeTopics());
    }

    @Test
    void readsPortsGroupsAndInputTopics() {
        ServiceConfig forward = ServiceConfig.named("forward-service");
        ServiceConfig gradient = ServiceConfig.named("gradient-service");
        ServiceConfig gateway = ServiceConfig.named("gateway");
        ServiceConfig jobs = ServiceConfig.named("job-service");

        assertThat(gateway.httpPort()).isEqualTo(8080);
        assertThat(forward.httpPort()).isEqualTo(8081);
        assertThat(gradient.httpPort()).isEqualTo(8082);
        assertThat(jobs.httpPort()).isEqualTo(8083);
        assertThat(forward.streamGroupId()).contains("forward-service");
        assertThat(gradient.streamGroupId()).contains("gradient-service");
        assertThat(jobs.streamGroupId()).contains("job-service");
        assertThat(gateway.streamGroupId()).isEmpty();
        assertThat(forward.streamInputTopic()).contains("batches");
        assertThat(gradient.streamInputTopic()).contains("tapes");
        assertThat(jobs.streamInputTopic()).contains("jobs");
        // Its state is read back when it takes a partition over.
        assertThat(jobs.topicsRead()).containsExactlyInAnyOrder("jobs", "job-state");
    }

    @Test
    void knowsWhichTopicsHoldStateAndWhichMustBeCompacted() {
        ServiceConfig jobs = ServiceConfig.named("job-service");

        assertThat(jobs.stateTopicInputs()).containsExactly(Map.entry("job-state", "jobs"));
        assertThat(jobs.compactedTopics()).containsExactlyInAnyOrder("job-state", "job-progress");
        assertThat(ServiceConfig.named("forward-service").stateTopicInputs()).isEmpty();
        assertThat(ServiceConfig.named("gradient-service").compactedTopics()).isEmpty();
    }

    @Test
    void everyKeyThatNamesATopicIsRead() {
        ServiceConfig.all().forEach(service -> assertThat(service.unknownTopicKeys())
                .as(service.name() + ": keys that name a topic the checks would not see; teach ServiceConfig "
                        + "(STREAMS or STREAM_OUTPUT_KEYS_ELSEWHERE) what they are")
                .isEmpty());
    }

    @Test
    void knowsHowLargeARecordEachProducerMaySend() {
        assertThat(ServiceConfig.named("gateway").topicsWritten())
                .containsEntry("batches", 64L << 20)
                .containsEntry("network-definitions", 64L << 20)
                .containsEntry("jobs", 64L << 20);
        assertThat(ServiceConfig.named("forward-service").topicsWritten())
                .containsEntry("tapes", 64L << 20)
                .containsEntry("batches-dead-letters", 64L << 20)
                // SmallRye's dead-letter producer: nothing raises max.request.size above Kafka's default.
                .containsEntry("network-definitions-dead-letters", ServiceConfig.KAFKA_DEFAULT_MAX_REQUEST_SIZE);
        // The answers of jobs' batches go to jobs, from the stream's own producer.
        assertThat(ServiceConfig.named("gradient-service").topicsWritten())
                .containsOnlyKeys("gradients", "tapes-dead-letters", "jobs")
                .containsEntry("jobs", 64L << 20);
        assertThat(ServiceConfig.named("job-service").topicsWritten())
                .containsOnlyKeys("batches", "network-definitions", "job-state", "job-progress", "jobs-dead-letters")
                .containsValues(64L << 20);
    }

    @Test
    void theAssumedStreamRecordLimitsAreTheStreamsOwn() {
        assertThat(maxRecordBytes("exactly-once/src/main/java/dev/gradflow/exactlyonce/StreamClients.java"))
                .isEqualTo(ServiceConfig.StreamDefaults.MAX_REQUEST_SIZE);
    }

    /** A stream's MAX_RECORD_BYTES, its producer's max.request.size, as its source writes it. */
    private static long maxRecordBytes(String sourceFile) {
        String source = Yaml.read(Repository.root().resolve(sourceFile));
        Matcher matcher = Pattern.compile("MAX_RECORD_BYTES = String\\.valueOf\\((\\d+) << (\\d+)\\)").matcher(source);

        assertThat(matcher.find()).as(sourceFile + ": MAX_RECORD_BYTES is written as String.valueOf(a << b); "
                + "if it changed shape, update this test and ServiceConfig.StreamDefaults").isTrue();
        return Long.parseLong(matcher.group(1)) << Integer.parseInt(matcher.group(2));
    }

    @Test
    void environmentVariableRuleFollowsQuarkusNaming() {
        ServiceConfig gateway = ServiceConfig.named("gateway");
        ServiceConfig forward = ServiceConfig.named("forward-service");
        ServiceConfig jobs = ServiceConfig.named("job-service");

        assertThat(EnvironmentRule.environmentName("gradflow.stream.producer.\"compression.type\""))
                .isEqualTo("GRADFLOW_STREAM_PRODUCER__COMPRESSION_TYPE_");
        assertThat(EnvironmentRule.reasonUnderstood(gateway, "KAFKA_BOOTSTRAP_SERVERS")).isPresent();
        assertThat(EnvironmentRule.reasonUnderstood(gateway, "KAFKA_SASL_MECHANISM")).isPresent();
        assertThat(EnvironmentRule.reasonUnderstood(gateway, "GRADFLOW_GATEWAY_API_KEYS"))
                .as("documented by a commented-out line").isPresent();
        assertThat(EnvironmentRule.reasonUnderstood(gateway, "QUARKUS_HTTP_PORT")).isPresent();
        assertThat(EnvironmentRule.reasonUnderstood(forward, "GRADFLOW_INSTANCE_ID")).isPresent();
        assertThat(EnvironmentRule.reasonUnderstood(jobs, "GRADFLOW_INSTANCE_ID")).isPresent();
        assertThat(EnvironmentRule.reasonUnderstood(jobs, "GRADFLOW_JOBS_MAX_RECORDS_PER_TRANSACTION")).isPresent();
        assertThat(EnvironmentRule.reasonUnderstood(jobs, "JAVA_OPTS")).as("its Dockerfile.jvm passes it").isPresent();
        assertThat(EnvironmentRule.reasonUnderstood(jobs, "GRADFLOW_STREAM_MAX_IN_FLIGHT_BYTES"))
                .as("the forward-service's and gradient-service's stream key, not the job-service's").isEmpty();
        assertThat(EnvironmentRule.reasonUnderstood(gateway, "GRADFLOW_INSTANCE_ID"))
                .as("the gateway has no exactly-once stream").isEmpty();
        assertThat(EnvironmentRule.reasonUnderstood(forward, "GRADFLOW_STREAM_GROUPID")).isEmpty();
        assertThat(EnvironmentRule.reasonUnderstood(gateway, "KAFKA_BOOTSTRAP_SERVER")).isEmpty();
    }

    /** The first column of the README's topic table (| `topic` | key | value | producer | consumers |). */
    private static Set<String> readmeTopics() {
        String readme = Yaml.read(Repository.root().resolve("README.md"));
        int table = readme.indexOf("| topic | key |");
        assertThat(table).as("README.md has its topic table").isNotNegative();
        Set<String> topics = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([a-z-]+)` \\|").matcher(readme);
        row.region(table, readme.indexOf("\n\n", table));
        while (row.find()) {
            topics.add(row.group(1));
        }
        return topics;
    }

}
