package dev.gradflow.kafka.broker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on a secure broker: one principal per service, and the ACLs each needs, nothing more. This is
 * the one place the table lives; the README's copy is checked against it ({@code ServiceAclsTest}).
 *
 * <p>How the table follows from the services' code and configuration:
 * <ul>
 *   <li>A topic a service reads: {@code READ} (which implies {@code DESCRIBE}, enough for metadata, offsets and
 *       committed offsets). A topic it writes, dead letters included: {@code WRITE} (also implies
 *       {@code DESCRIBE}).</li>
 *   <li>Consumer groups: {@code READ} on the group prefix. The gateway's and the forward-service's per-instance
 *       groups ({@code gateway-gradients-<uuid>}, {@code forward-service-definitions-<uuid>}) and the streams' shared
 *       groups ({@code forward-service}, {@code gradient-service}, {@code job-service}) all start with the service's
 *       name. {@code sendOffsetsToTransaction} commits the offsets as the group, which is the same {@code READ}.</li>
 *   <li>Transactions: {@code WRITE} (implying {@code DESCRIBE}) on the {@code transactional.id} prefix
 *       {@code <group>-}: each instance's id is its group and its instance id. A transactional id authorises its
 *       producer id too.</li>
 *   <li>No {@code IDEMPOTENT_WRITE} on the cluster: since Kafka 3.0 (KIP-679) an idempotent producer's producer id
 *       needs only {@code WRITE} on some topic, and the gateway's producers are idempotent by default.</li>
 *   <li>No {@code CREATE}: the administrator creates every topic ({@link #TOPICS}) before the services start. The
 *       job-service creates {@code job-state} and {@code job-progress} only when they are missing, and they never
 *       are; on a broker without them it would fail with a clear authorisation error.</li>
 * </ul>
 */
public final class ServiceAcls {

    /** Partitions of the topics that instances share the work of (as {@code CreateTopics} of the benchmarks). */
    public static final int PARTITIONS = EmbeddedKafkaBroker.DEFAULT_PARTITIONS;

    /** A topic the administrator creates before the services start. */
    public record Topic(String name, int partitions, boolean compacted) {
        NewTopic newTopic() {
            Map<String, String> configs = new LinkedHashMap<>();
            configs.put("max.message.bytes", String.valueOf(EmbeddedKafkaBroker.DEFAULT_MAX_MESSAGE_BYTES));
            if (compacted) {
                configs.put("cleanup.policy", "compact");
            }
            return new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(configs);
        }
    }

    /** One row of the table: a permission on a resource, by name or by prefix. */
    public record Grant(ResourceType resource, PatternType pattern, String name, AclOperation operation) {

        AclBinding binding(String principal) {
            return new AclBinding(new ResourcePattern(resource, name, pattern),
                    new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
        }

        /** As the README's table spells it, e.g. {@code TOPIC batches: WRITE} or {@code GROUP gateway-*: READ}. */
        public String describe() {
            return resource + " " + name + (pattern == PatternType.PREFIXED ? "*" : "") + ": " + operation;
        }
    }

    /** Every topic gradflow uses, as the administrator creates them. */
    public static final List<Topic> TOPICS = List.of(
            new Topic("network-definitions", 1, true),
            new Topic("batches", PARTITIONS, false),
            new Topic("tapes", PARTITIONS, false),
            new Topic("gradients", PARTITIONS, false),
            new Topic("jobs", PARTITIONS, false),
            // Partition p of job-state holds the jobs of partition p of jobs: as many partitions.
            new Topic("job-state", PARTITIONS, true),
            new Topic("job-progress", PARTITIONS, true),
            new Topic("datasets", 1, true),
            new Topic("network-definitions-dead-letters", 1, false),
            new Topic("batches-dead-letters", 1, false),
            new Topic("tapes-dead-letters", 1, false),
            new Topic("jobs-dead-letters", 1, false));

    /** Each service's principal name (a SCRAM user) and its grants. */
    public static final Map<String, List<Grant>> GRANTS = grants();

    private ServiceAcls() {
    }

    private static Map<String, List<Grant>> grants() {
        Map<String, List<Grant>> grants = new LinkedHashMap<>();
        grants.put("gateway", List.of(
                topic("network-definitions", AclOperation.WRITE),
                topic("network-definitions", AclOperation.READ),
                topic("batches", AclOperation.WRITE),
                topic("jobs", AclOperation.WRITE),
                topic("datasets", AclOperation.WRITE),
                topic("datasets", AclOperation.READ),
                topic("gradients", AclOperation.READ),
                topic("job-progress", AclOperation.READ),
                groups("gateway-")));
        grants.put("forward-service", List.of(
                topic("network-definitions", AclOperation.READ),
                topic("batches", AclOperation.READ),
                topic("tapes", AclOperation.WRITE),
                topic("batches-dead-letters", AclOperation.WRITE),
                topic("network-definitions-dead-letters", AclOperation.WRITE),
                groups("forward-service"),
                transactionalIds("forward-service-")));
        grants.put("gradient-service", List.of(
                topic("tapes", AclOperation.READ),
                topic("gradients", AclOperation.WRITE),
                topic("jobs", AclOperation.WRITE),
                topic("tapes-dead-letters", AclOperation.WRITE),
                groups("gradient-service"),
                transactionalIds("gradient-service-")));
        grants.put("job-service", List.of(
                topic("jobs", AclOperation.READ),
                topic("job-state", AclOperation.READ),
                topic("job-state", AclOperation.WRITE),
                topic("job-progress", AclOperation.WRITE),
                topic("batches", AclOperation.WRITE),
                topic("network-definitions", AclOperation.WRITE),
                topic("jobs-dead-letters", AclOperation.WRITE),
                groups("job-service"),
                transactionalIds("job-service-")));
        return java.util.Collections.unmodifiableMap(grants);
    }

    /** The ACL bindings of one service's principal ({@code User:<service>}). */
    public static List<AclBinding> bindings(String service) {
        List<Grant> grants = GRANTS.get(service);
        if (grants == null) {
            throw new IllegalArgumentException("No such service: " + service + "; known: " + GRANTS.keySet());
        }
        return grants.stream().map(grant -> grant.binding("User:" + service)).toList();
    }

    /** The binding that lets {@code service} do {@code operation} on {@code topic}, as {@link #GRANTS} has it. */
    public static AclBinding topicBinding(String service, String topic, AclOperation operation) {
        return topic(topic, operation).binding("User:" + service);
    }

    /**
     * Sets a secure broker up for the services: creates {@link #TOPICS}, one SCRAM user per service with a random
     * password, and their ACLs, as the broker's administrator.
     *
     * @return each service's user, by service name, in the order of {@link #GRANTS}
     */
    public static Map<String, ScramUser> setUp(EmbeddedKafkaBroker broker) {
        try (Admin admin = Admin.create(broker.adminClientProperties())) {
            createTopics(admin);
            List<AclBinding> bindings = new ArrayList<>();
            GRANTS.keySet().forEach(service -> bindings.addAll(bindings(service)));
            admin.createAcls(bindings).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not set up the topics and ACLs: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while setting up the topics and ACLs", e);
        }
        Map<String, ScramUser> users = new LinkedHashMap<>();
        GRANTS.keySet().forEach(service -> users.put(service, broker.createUser(service)));
        return users;
    }

    /** Creates the topics that do not exist yet. */
    public static void createTopics(Admin admin) throws InterruptedException, TimeoutException, ExecutionException {
        var results = admin.createTopics(TOPICS.stream().map(Topic::newTopic).toList()).values();
        for (var result : results.values()) {
            try {
                result.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    /**
     * The table as the README shows it: per principal, the topics it reads and writes (by name), and the prefixes of
     * its consumer groups and transactional ids.
     */
    public static String markdownTable() {
        StringBuilder table = new StringBuilder("| principal | reads (`READ`) | writes (`WRITE`) | consumer groups "
                + "(`READ`, prefix) | transactional ids (`WRITE`, prefix) |\n|---|---|---|---|---|\n");
        GRANTS.forEach((service, grants) -> table.append("| `User:").append(service).append("` | ")
                .append(names(grants, ResourceType.TOPIC, AclOperation.READ)).append(" | ")
                .append(names(grants, ResourceType.TOPIC, AclOperation.WRITE)).append(" | ")
                .append(names(grants, ResourceType.GROUP, AclOperation.READ)).append(" | ")
                .append(names(grants, ResourceType.TRANSACTIONAL_ID, AclOperation.WRITE)).append(" |\n"));
        return table.toString();
    }

    private static String names(List<Grant> grants, ResourceType resource, AclOperation operation) {
        List<String> names = grants.stream().filter(grant -> grant.resource() == resource
                && grant.operation() == operation).map(grant -> "`" + grant.name() + "`").toList();
        return names.isEmpty() ? "–" : String.join(", ", names);
    }

    private static Grant topic(String name, AclOperation operation) {
        return new Grant(ResourceType.TOPIC, PatternType.LITERAL, name, operation);
    }

    private static Grant groups(String prefix) {
        return new Grant(ResourceType.GROUP, PatternType.PREFIXED, prefix, AclOperation.READ);
    }

    private static Grant transactionalIds(String prefix) {
        return new Grant(ResourceType.TRANSACTIONAL_ID, PatternType.PREFIXED, prefix, AclOperation.WRITE);
    }
}
