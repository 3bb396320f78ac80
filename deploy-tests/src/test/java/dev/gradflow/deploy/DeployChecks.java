package dev.gradflow.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checks a schema cannot make: that the manifests agree with each other and with the services' configuration.
 * Each method returns the problems it found, one sentence each naming the resource; none means the check passed.
 * Plain functions of the rendered resources and the services' {@link ServiceConfig}, so the same checks run on the
 * real overlays and on deliberately flawed fixtures.
 */
final class DeployChecks {

    /** Kafka's default max.message.bytes of a topic when neither the topic nor the broker sets one. */
    static final long KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
    /** KEDA's default maxReplicaCount of a ScaledObject. */
    static final int KEDA_DEFAULT_MAX_REPLICAS = 100;
    /** Where Quarkus SmallRye Health answers. */
    static final Map<String, String> HEALTH_PATHS = Map.of(
            "livenessProbe", "/q/health/live",
            "readinessProbe", "/q/health/ready",
            "startupProbe", "/q/health/started");
    /** Where Quarkus Micrometer's Prometheus registry answers. */
    static final String METRICS_PATH = "/q/metrics";
    /** Broker settings whose Kafka defaults assume three brokers. */
    private static final Map<String, Integer> REPLICATION_DEFAULTS = Map.of(
            "offsets.topic.replication.factor", 3,
            "transaction.state.log.replication.factor", 3,
            "default.replication.factor", 1);
    /**
     * The trigger metadata KEDA's kafka scaler reads (pkg/scalers/kafka_scaler.go, KEDA 2.20: the fields whose
     * {@code keda:} tag includes {@code order=triggerMetadata}). KEDA ignores any other key without an error, so a
     * misspelt {@code lagThreshold} would silently scale on the default of 10.
     */
    static final Set<String> KAFKA_SCALER_PARAMETERS = Set.of("bootstrapServers", "consumerGroup", "topic",
            "partitionLimitation", "lagThreshold", "activationLagThreshold", "offsetResetPolicy", "allowIdleConsumers",
            "excludePersistentLag", "scaleToZeroOnInvalidOffset", "limitToPartitionsWithLag",
            "ensureEvenDistributionOfPartitions", "fullMetadata", "version", "tls", "unsafeSsl", "sasl",
            "saslTokenProvider", "awsRegion");
    /** The parameters KEDA also takes from a container's environment, as {@code <name>FromEnv}. */
    private static final Set<String> KAFKA_SCALER_PARAMETERS_FROM_ENV = Set.of("bootstrapServers", "consumerGroup", "topic");
    private static final Pattern BOOTSTRAP = Pattern.compile("([a-z0-9.-]+):(\\d+)");

    private final Manifests manifests;
    private final List<ServiceConfig> services;

    DeployChecks(Manifests manifests, List<ServiceConfig> services) {
        this.manifests = manifests;
        this.services = List.copyOf(services);
    }

    Manifests manifests() {
        return manifests;
    }

    /** The checks of Kafka's users, ACLs, listeners and credentials, on the same manifests. */
    KafkaSecurityChecks security() {
        return new KafkaSecurityChecks(this);
    }

    // ---- Which workload runs which service

    /**
     * The service a container runs: the one whose name is the container's name, or the last segment of its image's
     * repository (with or without a {@code gradflow-} prefix).
     */
    Optional<ServiceConfig> serviceOf(JsonNode container) {
        String image = container.path("image").asText();
        String repository = image.replaceAll("@.*$", "").replaceAll(":[^/:]*$", "");
        String imageName = repository.substring(repository.lastIndexOf('/') + 1).replaceFirst("^gradflow-", "");
        String containerName = container.path("name").asText();
        return services.stream()
                .filter(s -> s.name().equals(containerName) || s.name().equals(imageName))
                .findFirst();
    }

    /** Every Deployment container, with the service it runs (a container running none is a problem of its own). */
    List<ServiceContainer> serviceContainers() {
        List<ServiceContainer> list = new ArrayList<>();
        for (JsonNode deployment : manifests.ofKind("Deployment")) {
            for (JsonNode container : Manifests.containers(deployment)) {
                serviceOf(container).ifPresent(s -> list.add(new ServiceContainer(deployment, container, s)));
            }
        }
        return list;
    }

    record ServiceContainer(JsonNode deployment, JsonNode container, ServiceConfig service) {

        String describe() {
            return Manifests.describe(deployment) + " container " + container.path("name").asText() + " ("
                    + service.name() + ")";
        }
    }

    /** Every Deployment's containers run gradflow services, and every service runs somewhere. */
    List<String> everyServiceIsDeployed() {
        List<String> problems = new ArrayList<>();
        Set<String> deployed = new HashSet<>();
        for (JsonNode deployment : manifests.ofKind("Deployment")) {
            for (JsonNode container : Manifests.containers(deployment)) {
                Optional<ServiceConfig> service = serviceOf(container);
                if (service.isEmpty()) {
                    problems.add(Manifests.describe(deployment) + " container " + container.path("name").asText()
                            + " (image " + container.path("image").asText() + ") runs none of " + ServiceConfig.NAMES
                            + ", so nothing here can check it");
                } else if (!deployed.add(service.get().name())) {
                    problems.add(service.get().name() + " runs in more than one Deployment container");
                }
            }
        }
        for (ServiceConfig service : services) {
            if (!deployed.contains(service.name())) {
                problems.add("no Deployment runs " + service.name());
            }
        }
        return problems;
    }

    // ---- Topics, consumer groups, scaling, record sizes

    /**
     * Every topic a service reads or writes exists as a KafkaTopic; network-definitions is compacted, and so is every
     * topic a service keeps the latest record per key in ({@link ServiceConfig#compactedTopics()}).
     */
    List<String> topicsExist() {
        List<String> problems = new ArrayList<>();
        for (ServiceConfig service : services) {
            for (String topic : service.topics()) {
                if (kafkaTopic(topic).isEmpty()) {
                    problems.add(service.name() + " uses topic " + topic + ", which no KafkaTopic declares");
                }
            }
        }
        // Every service reads it whole at start-up; compaction keeps it to the latest definition per network.
        kafkaTopic("network-definitions").ifPresent(topic -> {
            String policy = topicConfig(topic, "cleanup.policy").orElse("delete");
            if (!policy.contains("compact")) {
                problems.add(Manifests.describe(topic) + " has cleanup.policy " + policy + "; the README requires compact");
            }
        });
        // A restore (job-state) or a starting reader (job-progress) reads the topic whole: without compaction it
        // reads every record ever written, and deletion by retention would lose the latest one of a key.
        for (ServiceConfig service : services) {
            for (String name : service.compactedTopics()) {
                kafkaTopic(name).ifPresent(topic -> {
                    String policy = topicConfig(topic, "cleanup.policy").orElse("delete");
                    if (!policy.contains("compact")) {
                        problems.add(Manifests.describe(topic) + " has cleanup.policy " + policy + "; "
                                + service.name() + " keeps the latest record per key there and needs compact");
                    }
                });
            }
        }
        return problems;
    }

    /**
     * A topic a service keeps per-partition state in has at least the partitions of the input topic it mirrors
     * ({@link ServiceConfig#stateTopicInputs()}): the job-service keeps the jobs of partition p of jobs on partition
     * p of job-state, and refuses to start with fewer.
     */
    List<String> stateTopicsCoverTheirInputs() {
        List<String> problems = new ArrayList<>();
        for (ServiceConfig service : services) {
            service.stateTopicInputs().forEach((state, input) -> {
                Optional<JsonNode> stateTopic = kafkaTopic(state);
                Optional<JsonNode> inputTopic = kafkaTopic(input);
                if (stateTopic.isEmpty() || inputTopic.isEmpty()) {
                    return; // topicsExist() reports it
                }
                JsonNode statePartitions = stateTopic.get().path("spec").path("partitions");
                JsonNode inputPartitions = inputTopic.get().path("spec").path("partitions");
                if (!statePartitions.canConvertToInt() || !inputPartitions.canConvertToInt()) {
                    problems.add(Manifests.describe(stateTopic.get()) + " and " + Manifests.describe(inputTopic.get())
                            + " must both set spec.partitions: " + service.name() + " needs the first to have at least"
                            + " as many as the second");
                } else if (statePartitions.asInt() < inputPartitions.asInt()) {
                    problems.add(Manifests.describe(stateTopic.get()) + " has " + statePartitions.asInt()
                            + " partitions, fewer than the " + inputPartitions.asInt() + " of " + input + ": "
                            + service.name() + " keeps partition p's state on partition p of " + state
                            + " and refuses to start");
                }
            });
        }
        return problems;
    }

    /** KafkaTopics, KafkaNodePools and KafkaUsers name (label strimzi.io/cluster) a Kafka cluster of these manifests. */
    List<String> strimziResourcesNameTheirCluster() {
        List<String> problems = new ArrayList<>();
        for (String kind : List.of("KafkaTopic", "KafkaNodePool", "KafkaUser")) {
            for (JsonNode resource : manifests.ofKind(kind)) {
                String cluster = resource.path("metadata").path("labels").path("strimzi.io/cluster").asText("");
                if (cluster.isEmpty()) {
                    problems.add(Manifests.describe(resource) + " has no strimzi.io/cluster label");
                } else if (kafkaCluster(cluster, Manifests.namespace(resource)).isEmpty()) {
                    problems.add(Manifests.describe(resource) + " names cluster " + cluster
                            + ", but there is no Kafka of that name in its namespace");
                }
            }
        }
        if (manifests.ofKind("Kafka").isEmpty()) {
            problems.add("there is no Kafka cluster");
        }
        return problems;
    }

    /**
     * Every KEDA Kafka trigger scales a service that consumes through a group, on that service's own group and input
     * topic, on the Kafka cluster of these manifests.
     */
    List<String> scalersUseTheServicesConsumerGroups() {
        List<String> problems = new ArrayList<>();
        for (JsonNode scaledObject : manifests.ofKind("ScaledObject")) {
            String what = Manifests.describe(scaledObject);
            Optional<ServiceConfig> service = scaledService(scaledObject);
            if (service.isEmpty()) {
                problems.add(what + " scales " + scaledObject.path("spec").path("scaleTargetRef").path("name").asText()
                        + ", which is not a Deployment running a gradflow service");
                continue;
            }
            for (JsonNode trigger : kafkaTriggers(scaledObject)) {
                JsonNode metadata = trigger.path("metadata");
                Optional<String> group = service.get().streamGroupId();
                if (group.isEmpty()) {
                    problems.add(what + " scales " + service.get().name() + " on consumer lag, but it has no shared "
                            + "consumer group (each instance reads everything)");
                    continue;
                }
                if (!group.get().equals(metadata.path("consumerGroup").asText())) {
                    problems.add(what + " watches consumer group '" + metadata.path("consumerGroup").asText()
                            + "'; " + service.get().name() + " consumes as '" + group.get() + "'");
                }
                String topic = metadata.path("topic").asText("");
                String input = service.get().streamInputTopic().orElseThrow();
                if (!topic.isEmpty() && !topic.equals(input)) {
                    problems.add(what + " watches topic " + topic + "; " + service.get().name() + " consumes " + input);
                }
                problems.addAll(bootstrapProblems(what + " trigger bootstrapServers",
                        metadata.path("bootstrapServers").asText(""), Manifests.namespace(scaledObject)));
            }
            if (kafkaTriggers(scaledObject).isEmpty()) {
                problems.add(what + " has no kafka trigger");
            }
        }
        return problems;
    }

    /** Every key of a KEDA kafka trigger's metadata is a parameter the kafka scaler reads. */
    List<String> kafkaTriggerParametersAreKnown() {
        List<String> problems = new ArrayList<>();
        for (JsonNode scaledObject : manifests.ofKind("ScaledObject")) {
            for (JsonNode trigger : kafkaTriggers(scaledObject)) {
                trigger.path("metadata").fieldNames().forEachRemaining(key -> {
                    String parameter = key.endsWith("FromEnv") ? key.substring(0, key.length() - "FromEnv".length()) : key;
                    boolean known = key.equals(parameter) ? KAFKA_SCALER_PARAMETERS.contains(key)
                            : KAFKA_SCALER_PARAMETERS_FROM_ENV.contains(parameter);
                    if (!known) {
                        problems.add(Manifests.describe(scaledObject) + " kafka trigger sets " + key
                                + ", which KEDA's kafka scaler does not read (it ignores unknown keys silently)");
                    }
                });
            }
        }
        return problems;
    }

    /** KEDA never runs more instances of a service than its input topic has partitions: the rest would sit idle. */
    List<String> scalingStaysWithinPartitions() {
        List<String> problems = new ArrayList<>();
        for (JsonNode scaledObject : manifests.ofKind("ScaledObject")) {
            Optional<ServiceConfig> service = scaledService(scaledObject);
            if (service.isEmpty() || service.get().streamInputTopic().isEmpty()) {
                continue;
            }
            JsonNode spec = scaledObject.path("spec");
            int max = spec.path("maxReplicaCount").asInt(KEDA_DEFAULT_MAX_REPLICAS);
            int min = spec.path("minReplicaCount").asInt(0);
            for (JsonNode trigger : kafkaTriggers(scaledObject)) {
                String topic = trigger.path("metadata").path("topic").asText(service.get().streamInputTopic().get());
                Optional<JsonNode> kafkaTopic = kafkaTopic(topic);
                if (kafkaTopic.isEmpty()) {
                    problems.add(Manifests.describe(scaledObject) + " scales on topic " + topic + ", which no KafkaTopic declares");
                    continue;
                }
                JsonNode partitions = kafkaTopic.get().path("spec").path("partitions");
                if (!partitions.canConvertToInt()) {
                    problems.add(Manifests.describe(kafkaTopic.get()) + " does not set spec.partitions");
                } else if (max > partitions.asInt()) {
                    problems.add(Manifests.describe(scaledObject) + " allows " + max + " replicas (maxReplicaCount"
                            + (spec.has("maxReplicaCount") ? "" : ", KEDA's default") + "), but topic " + topic
                            + " has only " + partitions.asInt() + " partitions");
                }
            }
            if (min > max) {
                problems.add(Manifests.describe(scaledObject) + " has minReplicaCount " + min + " > maxReplicaCount " + max);
            }
        }
        return problems;
    }

    /**
     * Each topic accepts the largest record its producers may send: its max.message.bytes (else the cluster's
     * message.max.bytes, else Kafka's default) is at least every producer's max.request.size; and a cluster-wide
     * message.max.bytes, if set, is at least the largest of them.
     */
    List<String> topicsAcceptTheLargestRecords() {
        List<String> problems = new ArrayList<>();
        long largest = 0;
        for (ServiceConfig service : services) {
            for (Map.Entry<String, Long> written : service.topicsWritten().entrySet()) {
                largest = Math.max(largest, written.getValue());
                Optional<JsonNode> topic = kafkaTopic(written.getKey());
                if (topic.isEmpty()) {
                    continue; // topicsExist() reports it
                }
                Optional<JsonNode> cluster = clusterOf(topic.get());
                OptionalLong topicLimit = topicConfig(topic.get(), "max.message.bytes").stream().mapToLong(Long::parseLong).findFirst();
                OptionalLong clusterLimit = cluster.flatMap(c -> kafkaConfig(c, "message.max.bytes")).stream()
                        .mapToLong(Long::parseLong).findFirst();
                long limit = topicLimit.orElse(clusterLimit.orElse(KAFKA_DEFAULT_MAX_MESSAGE_BYTES));
                if (limit < written.getValue()) {
                    problems.add(Manifests.describe(topic.get()) + " takes records up to " + limit + " bytes ("
                            + (topicLimit.isPresent() ? "its max.message.bytes" : clusterLimit.isPresent()
                            ? "the cluster's message.max.bytes" : "Kafka's default") + "), but " + service.name()
                            + " may send " + written.getValue() + " (max.request.size)");
                }
            }
        }
        for (JsonNode cluster : manifests.ofKind("Kafka")) {
            Optional<String> limit = kafkaConfig(cluster, "message.max.bytes");
            if (limit.isPresent() && Long.parseLong(limit.get()) < largest) {
                problems.add(Manifests.describe(cluster) + " sets message.max.bytes " + limit.get()
                        + ", below the largest max.request.size of the services' producers, " + largest);
            }
        }
        return problems;
    }

    /**
     * The cluster has enough brokers for what it and its topics ask: replication factors (including the internal
     * offsets and transaction-state topics the exactly-once streams need) at most the broker count, and
     * min.insync.replicas below each topic's replicas so that acks=all writes (the services' setting) still succeed
     * with one broker down where there are several.
     */
    List<String> replicationFitsTheBrokers() {
        List<String> problems = new ArrayList<>();
        for (JsonNode cluster : manifests.ofKind("Kafka")) {
            int brokers = brokerCount(cluster);
            String what = Manifests.describe(cluster);
            if (brokers == 0) {
                problems.add(what + " has no KafkaNodePool with the broker role");
                continue;
            }
            for (Map.Entry<String, Integer> setting : REPLICATION_DEFAULTS.entrySet()) {
                int value = kafkaConfig(cluster, setting.getKey()).map(Integer::parseInt).orElse(setting.getValue());
                if (value > brokers) {
                    problems.add(what + " has " + brokers + " broker(s) but " + setting.getKey() + " " + value
                            + (kafkaConfig(cluster, setting.getKey()).isPresent() ? "" : " (Kafka's default)"));
                }
            }
            int transactionIsr = kafkaConfig(cluster, "transaction.state.log.min.isr").map(Integer::parseInt).orElse(2);
            int transactionRf = kafkaConfig(cluster, "transaction.state.log.replication.factor").map(Integer::parseInt).orElse(3);
            if (transactionIsr > Math.min(transactionRf, brokers)) {
                problems.add(what + " has transaction.state.log.min.isr " + transactionIsr + " above its replication ("
                        + Math.min(transactionRf, brokers) + "): no transaction could commit");
            }
            int clusterMinIsr = kafkaConfig(cluster, "min.insync.replicas").map(Integer::parseInt).orElse(1);
            for (JsonNode topic : manifests.ofKind("KafkaTopic")) {
                if (!clusterOf(topic).map(c -> c == cluster).orElse(false)) {
                    continue;
                }
                int replicas = topic.path("spec").path("replicas").asInt(
                        kafkaConfig(cluster, "default.replication.factor").map(Integer::parseInt).orElse(1));
                int minIsr = topicConfig(topic, "min.insync.replicas").map(Integer::parseInt).orElse(clusterMinIsr);
                if (replicas > brokers) {
                    problems.add(Manifests.describe(topic) + " asks for " + replicas + " replicas; " + what + " has "
                            + brokers + " broker(s)");
                }
                if (minIsr > replicas) {
                    problems.add(Manifests.describe(topic) + " has min.insync.replicas " + minIsr + " above its "
                            + replicas + " replicas: every acks=all write would fail");
                } else if (replicas > 1 && minIsr == replicas) {
                    problems.add(Manifests.describe(topic) + " has min.insync.replicas equal to its " + replicas
                            + " replicas: acks=all writes stop whenever one broker is down");
                }
            }
        }
        return problems;
    }

    /**
     * No key of a Kafka's spec.kafka.config is one the Strimzi operator manages itself: it would drop the key with
     * only a warning in its own log, and the broker would run without the setting.
     */
    List<String> brokerConfigReachesTheBrokers(StrimziCrds.IgnoredBrokerConfig ignored) {
        List<String> problems = new ArrayList<>();
        for (JsonNode cluster : manifests.ofKind("Kafka")) {
            cluster.path("spec").path("kafka").path("config").fieldNames().forEachRemaining(key -> {
                if (ignored.ignores(key)) {
                    problems.add(Manifests.describe(cluster) + " sets " + key + ", which Strimzi manages itself and "
                            + "drops from spec.kafka.config");
                }
            });
        }
        return problems;
    }

    // ---- Containers: ports, probes, environment, Kafka address

    /** Each service's container exposes quarkus.http.port and probes the Quarkus health endpoints on it. */
    List<String> portsAndProbesMatchTheServices() {
        List<String> problems = new ArrayList<>();
        for (ServiceContainer sc : serviceContainers()) {
            int port = sc.service().httpPort();
            List<JsonNode> ports = Manifests.list(sc.container().path("ports"));
            if (ports.stream().noneMatch(p -> p.path("containerPort").asInt() == port)) {
                problems.add(sc.describe() + " does not expose containerPort " + port + " (quarkus.http.port)");
            }
            for (String probe : List.of("livenessProbe", "readinessProbe")) {
                if (!sc.container().has(probe)) {
                    problems.add(sc.describe() + " has no " + probe);
                }
            }
            for (Map.Entry<String, String> health : HEALTH_PATHS.entrySet()) {
                JsonNode probe = sc.container().path(health.getKey());
                if (probe.isMissingNode()) {
                    continue;
                }
                JsonNode httpGet = probe.path("httpGet");
                if (httpGet.isMissingNode()) {
                    problems.add(sc.describe() + " " + health.getKey() + " is not an httpGet probe of " + health.getValue());
                    continue;
                }
                if (!health.getValue().equals(httpGet.path("path").asText())) {
                    problems.add(sc.describe() + " " + health.getKey() + " probes " + httpGet.path("path").asText()
                            + "; Quarkus answers it at " + health.getValue());
                }
                // A probe may name a port or give its number; a number need not be declared as a containerPort.
                JsonNode probePort = httpGet.path("port");
                OptionalLong probed = probePort.asText().matches("\\d+") ? OptionalLong.of(probePort.asLong())
                        : resolvePort(probePort, sc.container());
                if (probed.isEmpty() || probed.getAsLong() != port) {
                    problems.add(sc.describe() + " " + health.getKey() + " probes port " + httpGet.path("port").asText()
                            + "; the service listens on " + port);
                }
            }
        }
        return problems;
    }

    /** Every environment variable of a service's container is one the service understands ({@link EnvironmentRule}). */
    List<String> environmentVariablesAreUnderstood() {
        List<String> problems = new ArrayList<>();
        for (ServiceContainer sc : serviceContainers()) {
            for (JsonNode variable : Manifests.list(sc.container().path("env"))) {
                String name = variable.path("name").asText();
                if (EnvironmentRule.reasonUnderstood(sc.service(), name).isEmpty()) {
                    problems.add(sc.describe() + " sets " + name + ", which " + sc.service().name() + " does not read"
                            + " (no application.properties key, Kafka client key or platform variable has that name)");
                }
            }
            for (JsonNode source : Manifests.list(sc.container().path("envFrom"))) {
                String prefix = source.path("prefix").asText("");
                JsonNode configMapRef = source.path("configMapRef");
                if (configMapRef.isMissingNode()) {
                    problems.add(sc.describe() + " takes variables from " + source
                            + ", whose names these checks cannot see; list them under env instead");
                    continue;
                }
                Optional<JsonNode> configMap = manifests.named("ConfigMap", configMapRef.path("name").asText());
                if (configMap.isEmpty()) {
                    problems.add(sc.describe() + " takes variables from ConfigMap " + configMapRef.path("name").asText()
                            + ", which is not in these manifests");
                    continue;
                }
                configMap.get().path("data").fieldNames().forEachRemaining(key -> {
                    if (EnvironmentRule.reasonUnderstood(sc.service(), prefix + key).isEmpty()) {
                        problems.add(sc.describe() + " gets " + prefix + key + " from ConfigMap "
                                + configMapRef.path("name").asText() + ", which " + sc.service().name() + " does not read");
                    }
                });
            }
        }
        return problems;
    }

    /**
     * Each service's KAFKA_BOOTSTRAP_SERVERS (from env or from a ConfigMap through envFrom) points at a listener of a
     * Kafka cluster of these manifests.
     */
    List<String> servicesReachTheKafkaCluster() {
        List<String> problems = new ArrayList<>();
        for (ServiceContainer sc : serviceContainers()) {
            Map<String, Optional<String>> environment = environment(sc);
            Optional<String> servers = environment.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", Optional.empty());
            if (!environment.containsKey("KAFKA_BOOTSTRAP_SERVERS")) {
                problems.add(sc.describe() + " does not set KAFKA_BOOTSTRAP_SERVERS; it would dial "
                        + sc.service().required("kafka.bootstrap.servers"));
            } else if (servers.isPresent()) {
                problems.addAll(bootstrapProblems(sc.describe() + " KAFKA_BOOTSTRAP_SERVERS", servers.get(),
                        Manifests.namespace(sc.deployment())));
            }
        }
        return problems;
    }

    /**
     * A container's environment as Kubernetes assembles it: envFrom ConfigMaps first, then env, which overrides
     * them. A value set through valueFrom, or from a Secret or a ConfigMap not in these manifests, is unknown (empty).
     */
    Map<String, Optional<String>> environment(ServiceContainer sc) {
        Map<String, Optional<String>> environment = new LinkedHashMap<>();
        for (JsonNode source : Manifests.list(sc.container().path("envFrom"))) {
            String prefix = source.path("prefix").asText("");
            manifests.named("ConfigMap", source.path("configMapRef").path("name").asText()).ifPresent(configMap ->
                    configMap.path("data").properties().forEach(e ->
                            environment.put(prefix + e.getKey(), Optional.of(e.getValue().asText()))));
        }
        for (JsonNode variable : Manifests.list(sc.container().path("env"))) {
            environment.put(variable.path("name").asText(), variable.has("value")
                    ? Optional.of(variable.path("value").asText()) : Optional.empty());
        }
        return environment;
    }

    // ---- Services, disruption budgets, monitoring

    /** Every Deployment's pods are selected by a Service and by a PodDisruptionBudget in their namespace. */
    List<String> deploymentsHaveServicesAndDisruptionBudgets() {
        List<String> problems = new ArrayList<>();
        for (JsonNode deployment : manifests.ofKind("Deployment")) {
            Map<String, String> labels = Manifests.podLabels(deployment);
            String namespace = Manifests.namespace(deployment);
            if (!Selectors.labelSelectorMatches(deployment.path("spec").path("selector"), labels)) {
                problems.add(Manifests.describe(deployment) + "'s selector does not match its own pod template labels");
            }
            boolean service = manifests.ofKind("Service").stream()
                    .anyMatch(s -> Manifests.namespace(s).equals(namespace) && Selectors.serviceSelects(s, labels));
            boolean budget = manifests.ofKind("PodDisruptionBudget").stream()
                    .anyMatch(p -> Manifests.namespace(p).equals(namespace)
                            && Selectors.labelSelectorMatches(p.path("spec").path("selector"), labels));
            if (!service) {
                problems.add("no Service selects the pods of " + Manifests.describe(deployment));
            }
            if (!budget) {
                problems.add("no PodDisruptionBudget selects the pods of " + Manifests.describe(deployment));
            }
        }
        return problems;
    }

    /** Every Service port's targetPort is a port of the containers it selects. */
    List<String> serviceTargetPortsExist() {
        List<String> problems = new ArrayList<>();
        for (JsonNode service : manifests.ofKind("Service")) {
            List<JsonNode> selected = manifests.ofKind("Deployment").stream()
                    .filter(d -> Manifests.namespace(d).equals(Manifests.namespace(service))
                            && Selectors.serviceSelects(service, Manifests.podLabels(d)))
                    .toList();
            if (selected.isEmpty()) {
                continue; // a Service for something else (or a headless one); deploymentsHave... covers ours
            }
            for (JsonNode port : Manifests.list(service.path("spec").path("ports"))) {
                JsonNode target = port.has("targetPort") ? port.path("targetPort") : port.path("port");
                for (JsonNode deployment : selected) {
                    boolean found = Manifests.containers(deployment).stream()
                            .anyMatch(c -> resolvePort(target, c).isPresent());
                    if (!found) {
                        problems.add(Manifests.describe(service) + " port " + port.path("name").asText(port.path("port").asText())
                                + " targets " + target.asText() + ", which no container of "
                                + Manifests.describe(deployment) + " exposes");
                    }
                }
            }
        }
        return problems;
    }

    /**
     * Every ServiceMonitor selects a Service, each endpoint names a port of the Services it selects, and scrapes the
     * path Quarkus serves metrics at.
     */
    List<String> serviceMonitorsScrapeNamedPorts() {
        List<String> problems = new ArrayList<>();
        for (JsonNode monitor : manifests.ofKind("ServiceMonitor")) {
            String what = Manifests.describe(monitor);
            JsonNode spec = monitor.path("spec");
            List<JsonNode> selected = manifests.ofKind("Service").stream()
                    .filter(s -> inMonitoredNamespace(monitor, s))
                    .filter(s -> Selectors.labelSelectorMatches(spec.path("selector"),
                            Manifests.stringMap(s.path("metadata").path("labels"))))
                    .toList();
            if (selected.isEmpty()) {
                problems.add(what + " selects no Service");
                continue;
            }
            for (JsonNode endpoint : Manifests.list(spec.path("endpoints"))) {
                String port = endpoint.path("port").asText("");
                if (port.isEmpty()) {
                    problems.add(what + " has an endpoint without a port name");
                    continue;
                }
                List<JsonNode> withPort = selected.stream().filter(s -> Manifests.list(s.path("spec").path("ports"))
                        .stream().anyMatch(p -> port.equals(p.path("name").asText()))).toList();
                if (withPort.isEmpty()) {
                    problems.add(what + " scrapes port '" + port + "', which none of the Services it selects ("
                            + selected.stream().map(Manifests::describe).toList() + ") names");
                }
                String path = endpoint.path("path").asText("/metrics");
                if (!METRICS_PATH.equals(path)) {
                    problems.add(what + " scrapes " + path + (endpoint.has("path") ? "" : " (the default)")
                            + "; Quarkus serves metrics at " + METRICS_PATH);
                }
            }
        }
        return problems;
    }

    /** Every PrometheusRule's spec.groups equals the plain rules file promtool checks (the same rules, twice). */
    List<String> prometheusRulesEqualTheRulesFile(Path rulesFile) {
        List<String> problems = new ArrayList<>();
        JsonNode groups = Yaml.documents(rulesFile).get(0).path("groups");
        List<JsonNode> rules = manifests.ofKind("PrometheusRule");
        if (rules.isEmpty()) {
            problems.add("there is no PrometheusRule");
        }
        for (JsonNode rule : rules) {
            JsonNode specGroups = rule.path("spec").path("groups");
            if (!specGroups.equals(groups)) {
                problems.add(Manifests.describe(rule) + " spec.groups differs from " + rulesFile.getFileName() + ": "
                        + firstDifference("groups", specGroups, groups));
            }
        }
        return problems;
    }

    /**
     * Every {@code job} label matcher in an alerting or recording rule names a job the ServiceMonitors produce (the
     * selected Service's {@code jobLabel} label, else its name), so that no rule silently watches nothing.
     */
    List<String> rulesSelectScrapedJobs() {
        Set<String> jobs = new TreeSet<>();
        for (JsonNode monitor : manifests.ofKind("ServiceMonitor")) {
            String jobLabel = monitor.path("spec").path("jobLabel").asText("");
            for (JsonNode service : manifests.ofKind("Service")) {
                Map<String, String> labels = Manifests.stringMap(service.path("metadata").path("labels"));
                if (inMonitoredNamespace(monitor, service)
                        && Selectors.labelSelectorMatches(monitor.path("spec").path("selector"), labels)) {
                    jobs.add(jobLabel.isEmpty() || !labels.containsKey(jobLabel) ? Manifests.name(service) : labels.get(jobLabel));
                }
            }
        }
        List<String> problems = new ArrayList<>();
        Pattern jobMatcher = Pattern.compile("\\bjob\\s*(=~|!=|!~|=)\\s*\"([^\"]*)\"");
        for (JsonNode rule : manifests.ofKind("PrometheusRule")) {
            for (JsonNode group : Manifests.list(rule.path("spec").path("groups"))) {
                for (JsonNode entry : Manifests.list(group.path("rules"))) {
                    String name = entry.path("alert").asText(entry.path("record").asText());
                    Matcher matcher = jobMatcher.matcher(entry.path("expr").asText());
                    while (matcher.find()) {
                        String operator = matcher.group(1);
                        String value = matcher.group(2);
                        boolean matchesAJob = switch (operator) {
                            case "=" -> jobs.contains(value);
                            case "=~" -> jobs.stream().anyMatch(job -> job.matches(value));
                            default -> true; // a negative matcher cannot name a missing job
                        };
                        if (!matchesAJob) {
                            problems.add(Manifests.describe(rule) + " rule " + name + " selects job" + operator + "\""
                                    + value + "\", but the ServiceMonitors scrape only the jobs " + jobs);
                        }
                    }
                }
            }
        }
        return problems;
    }

    /**
     * Every dashboard JSON file is in a ConfigMap the Grafana sidecar picks up (label grafana_dashboard: "1"), and
     * every dashboard in a ConfigMap is valid JSON with unique panel ids (rows' nested panels included) and a
     * {@code datasource} template variable of type datasource.
     */
    List<String> dashboardsAreLoadable(Path dashboardsDirectory) {
        List<String> problems = new ArrayList<>();
        Set<String> files = new TreeSet<>();
        try (Stream<Path> list = Files.list(dashboardsDirectory)) {
            list.filter(f -> f.toString().endsWith(".json")).forEach(f -> files.add(f.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (files.isEmpty()) {
            problems.add(dashboardsDirectory + " holds no dashboard");
        }
        Set<String> shipped = new TreeSet<>();
        for (JsonNode configMap : manifests.ofKind("ConfigMap")) {
            List<String> dashboards = new ArrayList<>();
            configMap.path("data").fieldNames().forEachRemaining(key -> {
                if (key.endsWith(".json")) {
                    dashboards.add(key);
                }
            });
            if (dashboards.isEmpty()) {
                continue;
            }
            String what = Manifests.describe(configMap);
            if (!"1".equals(configMap.path("metadata").path("labels").path("grafana_dashboard").asText())) {
                problems.add(what + " holds dashboards but lacks the label grafana_dashboard: \"1\"");
            }
            for (String key : dashboards) {
                shipped.add(key);
                JsonNode dashboard;
                try {
                    dashboard = Yaml.JSON.readTree(configMap.path("data").path(key).asText());
                } catch (JsonProcessingException e) {
                    problems.add(what + " " + key + " is not valid JSON: " + e.getOriginalMessage());
                    continue;
                }
                problems.addAll(dashboardProblems(what + " " + key, dashboard));
            }
        }
        for (String file : files) {
            if (!shipped.contains(file)) {
                problems.add("dashboard " + file + " is in no ConfigMap");
            }
        }
        return problems;
    }

    private static List<String> dashboardProblems(String what, JsonNode dashboard) {
        List<String> problems = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        List<JsonNode> panels = new ArrayList<>(Manifests.list(dashboard.path("panels")));
        for (int i = 0; i < panels.size(); i++) {
            JsonNode panel = panels.get(i);
            panels.addAll(Manifests.list(panel.path("panels"))); // a collapsed row keeps its panels inside it
            if (!panel.path("id").canConvertToInt()) {
                problems.add(what + " has a panel without an id: " + panel.path("title").asText());
            } else if (!ids.add(panel.path("id").asInt())) {
                problems.add(what + " has two panels with id " + panel.path("id").asInt());
            }
        }
        if (panels.isEmpty()) {
            problems.add(what + " has no panels");
        }
        boolean datasourceVariable = Manifests.list(dashboard.path("templating").path("list")).stream()
                .anyMatch(v -> "datasource".equals(v.path("name").asText()) && "datasource".equals(v.path("type").asText()));
        if (!datasourceVariable) {
            problems.add(what + " has no template variable named datasource of type datasource");
        }
        return problems;
    }

    /** Where two trees first differ, as a path and both values, so a mismatch can be found quickly. */
    static String firstDifference(String path, JsonNode actual, JsonNode expected) {
        if (actual.equals(expected)) {
            return "";
        }
        if (actual.isObject() && expected.isObject()) {
            Set<String> keys = new TreeSet<>();
            actual.fieldNames().forEachRemaining(keys::add);
            expected.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                if (!actual.path(key).equals(expected.path(key))) {
                    return firstDifference(path + "." + key, actual.path(key), expected.path(key));
                }
            }
        }
        if (actual.isArray() && expected.isArray()) {
            for (int i = 0; i < Math.max(actual.size(), expected.size()); i++) {
                if (!actual.path(i).equals(expected.path(i))) {
                    return firstDifference(path + "[" + i + "]", actual.path(i), expected.path(i));
                }
            }
        }
        return path + " is " + (actual.isMissingNode() ? "absent" : actual) + " here, "
                + (expected.isMissingNode() ? "absent" : expected) + " in the file";
    }

    // ---- Look-ups

    private boolean inMonitoredNamespace(JsonNode monitor, JsonNode service) {
        JsonNode namespaces = monitor.path("spec").path("namespaceSelector");
        if (namespaces.path("any").asBoolean(false)) {
            return true;
        }
        Set<String> names = new TreeSet<>();
        namespaces.path("matchNames").forEach(n -> names.add(n.asText()));
        return names.isEmpty() ? Manifests.namespace(service).equals(Manifests.namespace(monitor))
                : names.contains(Manifests.namespace(service));
    }

    Optional<ServiceConfig> scaledService(JsonNode scaledObject) {
        JsonNode target = scaledObject.path("spec").path("scaleTargetRef");
        if (!"Deployment".equals(target.path("kind").asText("Deployment"))) {
            return Optional.empty();
        }
        return manifests.ofKind("Deployment").stream()
                .filter(d -> Manifests.name(d).equals(target.path("name").asText())
                        && Manifests.namespace(d).equals(Manifests.namespace(scaledObject)))
                .flatMap(d -> Manifests.containers(d).stream())
                .map(this::serviceOf).flatMap(Optional::stream).findFirst();
    }

    static List<JsonNode> kafkaTriggers(JsonNode scaledObject) {
        return Manifests.list(scaledObject.path("spec").path("triggers")).stream()
                .filter(t -> "kafka".equals(t.path("type").asText())).toList();
    }

    /** The KafkaTopic for a topic name: its spec.topicName, or its metadata.name when that is unset. */
    Optional<JsonNode> kafkaTopic(String topic) {
        return manifests.ofKind("KafkaTopic").stream()
                .filter(t -> topic.equals(t.path("spec").path("topicName").asText(Manifests.name(t))))
                .findFirst();
    }

    private Optional<JsonNode> kafkaCluster(String name, String namespace) {
        return manifests.ofKind("Kafka").stream()
                .filter(k -> Manifests.name(k).equals(name) && Manifests.namespace(k).equals(namespace)).findFirst();
    }

    Optional<JsonNode> clusterOf(JsonNode strimziResource) {
        return kafkaCluster(strimziResource.path("metadata").path("labels").path("strimzi.io/cluster").asText(""),
                Manifests.namespace(strimziResource));
    }

    private int brokerCount(JsonNode cluster) {
        int brokers = 0;
        for (JsonNode pool : manifests.ofKind("KafkaNodePool")) {
            boolean broker = Manifests.list(pool.path("spec").path("roles")).stream()
                    .anyMatch(r -> "broker".equals(r.asText()));
            if (broker && clusterOf(pool).map(c -> c == cluster).orElse(false)) {
                brokers += pool.path("spec").path("replicas").asInt(0);
            }
        }
        return brokers;
    }

    static Optional<String> topicConfig(JsonNode topic, String key) {
        JsonNode value = topic.path("spec").path("config").path(key);
        return value.isMissingNode() || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    private static Optional<String> kafkaConfig(JsonNode cluster, String key) {
        JsonNode value = cluster.path("spec").path("kafka").path("config").path(key);
        return value.isMissingNode() || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    /**
     * Problems with a bootstrap address: each {@code host:port} must be the bootstrap Service Strimzi creates for a
     * Kafka of these manifests ({@code <cluster>-kafka-bootstrap}, optionally qualified with its namespace) and the
     * port of one of its listeners.
     */
    private List<String> bootstrapProblems(String what, String servers, String namespace) {
        List<String> problems = new ArrayList<>();
        if (servers.isBlank()) {
            problems.add(what + " is empty");
            return problems;
        }
        for (String server : servers.split(",")) {
            Matcher matcher = BOOTSTRAP.matcher(server.trim());
            if (!matcher.matches()) {
                problems.add(what + " has '" + server + "', not host:port");
                continue;
            }
            int port = Integer.parseInt(matcher.group(2));
            Optional<JsonNode> cluster = bootstrapCluster(matcher.group(1), namespace);
            if (cluster.isEmpty()) {
                problems.add(what + " names host " + matcher.group(1) + ", which is no Kafka cluster's bootstrap "
                        + "Service (<cluster>-kafka-bootstrap) here");
                continue;
            }
            boolean listener = Manifests.list(cluster.get().path("spec").path("kafka").path("listeners")).stream()
                    .anyMatch(l -> l.path("port").asInt() == port);
            if (!listener) {
                problems.add(what + " uses port " + port + ", which no listener of " + Manifests.describe(cluster.get())
                        + " has");
            }
        }
        return problems;
    }

    /**
     * The Kafka cluster whose bootstrap Service a host names ({@code <cluster>-kafka-bootstrap}, optionally qualified
     * with its namespace, else resolved in {@code namespace}).
     */
    private Optional<JsonNode> bootstrapCluster(String host, String namespace) {
        String[] parts = host.split("\\.");
        String serviceNamespace = parts.length > 1 ? parts[1] : namespace;
        return manifests.ofKind("Kafka").stream()
                .filter(k -> parts[0].equals(Manifests.name(k) + "-kafka-bootstrap")
                        && (Manifests.namespace(k).isEmpty() || Manifests.namespace(k).equals(serviceNamespace)))
                .findFirst();
    }

    /** A Kafka listener, with the cluster it belongs to. */
    record Listener(JsonNode cluster, JsonNode listener) {

        String describe() {
            return Manifests.describe(cluster) + " listener " + listener.path("name").asText() + " (port "
                    + listener.path("port").asText() + ")";
        }
    }

    /**
     * The listener every {@code host:port} of a bootstrap address reaches, when they all reach the same one of a
     * Kafka of these manifests; empty otherwise ({@link #bootstrapProblems} says why).
     */
    Optional<Listener> bootstrapListener(String servers, String namespace) {
        Set<Listener> listeners = new HashSet<>();
        for (String server : servers.split(",")) {
            Matcher matcher = BOOTSTRAP.matcher(server.trim());
            if (!matcher.matches()) {
                return Optional.empty();
            }
            int port = Integer.parseInt(matcher.group(2));
            Optional<Listener> listener = bootstrapCluster(matcher.group(1), namespace).flatMap(cluster ->
                    Manifests.list(cluster.path("spec").path("kafka").path("listeners")).stream()
                            .filter(l -> l.path("port").asInt() == port).findFirst()
                            .map(l -> new Listener(cluster, l)));
            if (listener.isEmpty()) {
                return Optional.empty();
            }
            listeners.add(listener.get());
        }
        return listeners.size() == 1 ? listeners.stream().findFirst() : Optional.empty();
    }

    /** A probe's or Service's port (number or name) as a number, if the container exposes it. */
    private static OptionalLong resolvePort(JsonNode port, JsonNode container) {
        List<JsonNode> ports = Manifests.list(container.path("ports"));
        if (port.isInt() || (port.isTextual() && port.asText().matches("\\d+"))) {
            int number = port.asInt();
            return ports.stream().anyMatch(p -> p.path("containerPort").asInt() == number) ? OptionalLong.of(number)
                    : OptionalLong.empty();
        }
        return ports.stream().filter(p -> port.asText().equals(p.path("name").asText()))
                .mapToLong(p -> p.path("containerPort").asLong()).findFirst();
    }
}
