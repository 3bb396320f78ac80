package dev.gradflow.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.gradflow.kafka.broker.ServiceAcls;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The checks of Kafka security in the manifests, against {@link ServiceAcls}, the one table of each service's
 * principal, its ACLs and the topics: the KafkaUsers carry exactly those ACLs, every listener encrypts and
 * authenticates, each service and each KEDA scaler logs in as the service's own user with credentials from Strimzi's
 * Secrets, and no secret is written into a manifest. Like {@link DeployChecks}, each method returns one sentence per
 * problem, naming the resource.
 *
 * <p>What Strimzi creates, as these checks rely on it: for a KafkaUser with SCRAM-SHA-512 authentication, a Secret of
 * the user's name with the keys {@value #USER_JAAS_KEY} and {@value #USER_PASSWORD_KEY}; for a Kafka {@code <c>}, the
 * Secret {@code <c>-cluster-ca-cert} with the cluster CA as {@value #CA_PEM_KEY}, as a PKCS12 truststore
 * {@value #CA_TRUSTSTORE_KEY} and its password {@value #CA_PASSWORD_KEY}.
 */
final class KafkaSecurityChecks {

    static final String SCRAM = "scram-sha-512";
    static final String USER_JAAS_KEY = "sasl.jaas.config";
    static final String USER_PASSWORD_KEY = "password";
    static final String CA_PEM_KEY = "ca.crt";
    static final String CA_TRUSTSTORE_KEY = "ca.p12";
    static final String CA_PASSWORD_KEY = "ca.password";
    /**
     * The parameters KEDA's kafka scaler takes from a TriggerAuthentication (pkg/scalers/kafka_scaler.go, KEDA 2.20:
     * the fields whose {@code keda:} tag includes {@code authParams}). KEDA ignores any other without an error.
     */
    static final Set<String> KAFKA_SCALER_AUTH_PARAMETERS = Set.of("tls", "ca", "cert", "key", "keyPassword", "sasl",
            "username", "password", "saslTokenProvider", "scopes", "oauthTokenEndpointUri", "oauthExtensions", "keytab",
            "realm", "kerberosConfig", "kerberosServiceName", "kerberosDisableFAST");

    private final DeployChecks checks;
    private final Manifests manifests;

    KafkaSecurityChecks(DeployChecks checks) {
        this.checks = checks;
        this.manifests = checks.manifests();
    }

    // ---- Users and their ACLs

    /**
     * Each principal of {@link ServiceAcls#GRANTS} is a KafkaUser of that name (so {@code User:<service>}) that logs
     * in with SCRAM-SHA-512 and is allowed exactly its rows of the table, from any host: no row missing, none added,
     * no deny rule. Topics are named literally, groups and transactional ids by prefix, as the table says. Every
     * KafkaUser is one of those principals, and its cluster runs the User Operator, without which no KafkaUser takes
     * effect.
     */
    List<String> kafkaUsersGrantExactlyTheServiceAcls() {
        List<String> problems = new ArrayList<>();
        ServiceAcls.GRANTS.forEach((service, grants) -> {
            Optional<JsonNode> user = manifests.named("KafkaUser", service);
            if (user.isEmpty()) {
                problems.add("no KafkaUser is named " + service + ", the principal User:" + service
                        + " that ServiceAcls.GRANTS gives " + service + "'s ACLs to");
                return;
            }
            String what = Manifests.describe(user.get());
            JsonNode spec = user.get().path("spec");
            String authentication = spec.path("authentication").path("type").asText("");
            if (!SCRAM.equals(authentication)) {
                problems.add(what + " authenticates with " + (authentication.isEmpty() ? "nothing" : authentication)
                        + "; the services log in with SCRAM-SHA-512");
            }
            if (!"simple".equals(spec.path("authorization").path("type").asText(""))) {
                problems.add(what + " has no simple authorization, so Strimzi would create none of its ACLs");
            }
            Set<String> expected = grants.stream().map(ServiceAcls.Grant::describe)
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> actual = grantsOf(user.get(), problems);
            for (String grant : expected) {
                if (!actual.contains(grant)) {
                    problems.add(what + " lacks " + grant + ", which ServiceAcls.GRANTS gives User:" + service);
                }
            }
            for (String grant : actual) {
                if (!expected.contains(grant)) {
                    problems.add(what + " allows " + grant + ", which ServiceAcls.GRANTS does not give User:" + service);
                }
            }
        });
        for (JsonNode user : manifests.ofKind("KafkaUser")) {
            String what = Manifests.describe(user);
            if (!ServiceAcls.GRANTS.containsKey(Manifests.name(user))) {
                problems.add(what + " is no service's principal: ServiceAcls.GRANTS has rows for "
                        + ServiceAcls.GRANTS.keySet() + " only");
            }
            checks.clusterOf(user).ifPresent(cluster -> {
                if (!cluster.path("spec").path("entityOperator").path("userOperator").isObject()) {
                    problems.add(what + "'s cluster " + Manifests.describe(cluster) + " runs no User Operator "
                            + "(spec.entityOperator.userOperator): nothing would create the user, its ACLs or its Secret");
                }
            });
        }
        return problems;
    }

    /**
     * A KafkaUser's ACLs as {@link ServiceAcls.Grant#describe()} spells them, one per operation. Rules that no grant
     * can express (deny rules, a host other than any) are problems of their own.
     */
    private static Set<String> grantsOf(JsonNode user, List<String> problems) {
        Set<String> grants = new TreeSet<>();
        for (JsonNode acl : Manifests.list(user.path("spec").path("authorization").path("acls"))) {
            JsonNode resource = acl.path("resource");
            ResourceType type = switch (resource.path("type").asText()) {
                case "topic" -> ResourceType.TOPIC;
                case "group" -> ResourceType.GROUP;
                case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
                case "cluster" -> ResourceType.CLUSTER;
                default -> ResourceType.UNKNOWN;
            };
            PatternType pattern = "prefix".equals(resource.path("patternType").asText("literal")) ? PatternType.PREFIXED
                    : PatternType.LITERAL;
            String name = type == ResourceType.CLUSTER ? "kafka-cluster" : resource.path("name").asText();
            for (JsonNode operation : Manifests.list(acl.path("operations"))) {
                String describe = new ServiceAcls.Grant(type, pattern, name, aclOperation(operation.asText())).describe();
                if ("deny".equals(acl.path("type").asText("allow"))) {
                    problems.add(Manifests.describe(user) + " denies " + describe
                            + ": ServiceAcls.GRANTS has no deny rules (what it does not allow is denied)");
                } else if (!"*".equals(acl.path("host").asText("*"))) {
                    problems.add(Manifests.describe(user) + " allows " + describe + " only from host "
                            + acl.path("host").asText() + "; ServiceAcls.GRANTS allows it from any host");
                } else {
                    grants.add(describe);
                }
            }
        }
        return grants;
    }

    /** Strimzi's spelling of an operation ({@code IdempotentWrite}) as Kafka's ({@code IDEMPOTENT_WRITE}). */
    private static AclOperation aclOperation(String strimzi) {
        try {
            return AclOperation.valueOf(strimzi.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return AclOperation.UNKNOWN;
        }
    }

    // ---- Listeners

    /**
     * Every Kafka authorizes (spec.kafka.authorization), so that a principal may do only what its KafkaUser's ACLs
     * allow, and makes no service's principal a super user. Every listener in spec.kafka.listeners is one clients use
     * (Strimzi's own replication and controller listeners are not listed there), and each encrypts ({@code tls: true})
     * and authenticates.
     */
    List<String> clientListenersUseTlsAndAuthentication() {
        List<String> problems = new ArrayList<>();
        for (JsonNode cluster : manifests.ofKind("Kafka")) {
            String what = Manifests.describe(cluster);
            JsonNode authorization = cluster.path("spec").path("kafka").path("authorization");
            if (!authorization.isObject()) {
                problems.add(what + " has no spec.kafka.authorization: every client could do anything, whatever the "
                        + "ACLs of its KafkaUser");
            }
            for (JsonNode superUser : Manifests.list(authorization.path("superUsers"))) {
                String principal = superUser.asText().replaceFirst("^User:", "");
                if (ServiceAcls.GRANTS.containsKey(principal)) {
                    problems.add(what + " makes User:" + principal + " a super user, which bypasses its ACLs");
                }
            }
            for (JsonNode listener : Manifests.list(cluster.path("spec").path("kafka").path("listeners"))) {
                String listenerWhat = new DeployChecks.Listener(cluster, listener).describe();
                if (!listener.path("tls").asBoolean(false)) {
                    problems.add(listenerWhat + " has no TLS: logins and records would cross the network in the clear");
                }
                if (!listener.path("authentication").isObject()) {
                    problems.add(listenerWhat + " has no authentication: any client that reaches it is let in, as "
                            + "User:ANONYMOUS");
                }
            }
        }
        return problems;
    }

    // ---- The services' credentials

    /**
     * Each service logs in as its own user over TLS, with everything secret from Strimzi's Secrets: SASL_SSL with
     * SCRAM-SHA-512 on a listener that has TLS and SCRAM-SHA-512; KAFKA_SASL_JAAS_CONFIG from key sasl.jaas.config of
     * the Secret of the KafkaUser named after the service (another user's Secret would give it another's ACLs); a
     * PKCS12 truststore that is key ca.p12 of the cluster's {@code <cluster>-cluster-ca-cert} Secret, mounted at
     * KAFKA_SSL_TRUSTSTORE_LOCATION, with its password from key ca.password of that Secret.
     */
    List<String> servicesLogInWithTheirOwnSecrets() {
        List<String> problems = new ArrayList<>();
        for (DeployChecks.ServiceContainer sc : checks.serviceContainers()) {
            String what = sc.describe();
            Map<String, Optional<String>> environment = checks.environment(sc);
            String namespace = Manifests.namespace(sc.deployment());
            Optional<DeployChecks.Listener> listener = environment.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", Optional.empty())
                    .flatMap(servers -> checks.bootstrapListener(servers, namespace));
            expectValue(problems, what, environment, "KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "PLAINTEXT");
            expectValue(problems, what, environment, "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512", "GSSAPI");
            expectValue(problems, what, environment, "KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12", "JKS");
            listener.ifPresent(l -> problems.addAll(listenerTakesScramOverTls(what, l)));
            String user = sc.service().name();
            problems.addAll(secretReference(what, sc.container(), "KAFKA_SASL_JAAS_CONFIG", user, USER_JAAS_KEY,
                    "the Secret of KafkaUser/" + user));
            // Without a listener (servicesReachTheKafkaCluster reports why), the one Kafka of the namespace.
            Optional<JsonNode> cluster = listener.map(DeployChecks.Listener::cluster).or(() -> onlyCluster(namespace));
            if (cluster.isEmpty()) {
                continue;
            }
            String caSecret = caSecret(cluster.get());
            problems.addAll(secretReference(what, sc.container(), "KAFKA_SSL_TRUSTSTORE_PASSWORD", caSecret,
                    CA_PASSWORD_KEY, "the cluster CA's Secret"));
            environment.getOrDefault("KAFKA_SSL_TRUSTSTORE_LOCATION", Optional.empty()).ifPresentOrElse(
                    location -> truststoreProblem(sc, location, caSecret).ifPresent(problems::add),
                    () -> problems.add(what + " sets no KAFKA_SSL_TRUSTSTORE_LOCATION: it would not trust the "
                            + "brokers' certificates, which the cluster CA signed"));
        }
        return problems;
    }

    private static void expectValue(List<String> problems, String what, Map<String, Optional<String>> environment,
            String variable, String expected, String kafkaDefault) {
        Optional<String> value = environment.getOrDefault(variable, Optional.empty());
        if (!value.map(expected::equals).orElse(false)) {
            problems.add(what + " sets " + variable + " to " + value.orElse(environment.containsKey(variable)
                    ? "a value these checks cannot see" : "nothing (Kafka's default is " + kafkaDefault + ")")
                    + "; it must be " + expected);
        }
    }

    /** A listener that a client reaches with SASL_SSL and SCRAM-SHA-512 must offer both. */
    private static List<String> listenerTakesScramOverTls(String what, DeployChecks.Listener listener) {
        List<String> problems = new ArrayList<>();
        if (!listener.listener().path("tls").asBoolean(false)) {
            problems.add(what + " connects with TLS to " + listener.describe() + ", which has none");
        }
        String authentication = listener.listener().path("authentication").path("type").asText("");
        if (!SCRAM.equals(authentication)) {
            problems.add(what + " logs in with SCRAM-SHA-512 on " + listener.describe() + ", which authenticates "
                    + (authentication.isEmpty() ? "nobody" : "with " + authentication));
        }
        return problems;
    }

    /** Problems with an environment variable that must be key {@code key} of Secret {@code secret}. */
    private static List<String> secretReference(String what, JsonNode container, String variable, String secret,
            String key, String whose) {
        Optional<JsonNode> entry = Manifests.list(container.path("env")).stream()
                .filter(e -> variable.equals(e.path("name").asText())).reduce((first, last) -> last);
        if (entry.isEmpty()) {
            return List.of(what + " does not set " + variable + " (from key " + key + " of Secret " + secret + ", "
                    + whose + ")");
        }
        JsonNode reference = entry.get().path("valueFrom").path("secretKeyRef");
        if (!reference.isObject()) {
            return List.of(what + " does not take " + variable + " from a Secret (valueFrom.secretKeyRef: key " + key
                    + " of Secret " + secret + ", " + whose + ")");
        }
        List<String> problems = new ArrayList<>();
        String name = reference.path("name").asText();
        if (!secret.equals(name)) {
            problems.add(what + " takes " + variable + " from Secret " + name + "; it must come from Secret " + secret
                    + ", " + whose);
        } else if (!key.equals(reference.path("key").asText())) {
            problems.add(what + " takes " + variable + " from key " + reference.path("key").asText() + " of Secret "
                    + secret + "; Strimzi writes it as " + key);
        }
        if (reference.path("optional").asBoolean(false)) {
            problems.add(what + " takes " + variable + " from Secret " + name + " optionally: without the Secret the "
                    + "service would start without it, and fail to connect");
        }
        return problems;
    }

    /** The truststore file must be key ca.p12 of the CA Secret, through a Secret volume mounted in the container. */
    private Optional<String> truststoreProblem(DeployChecks.ServiceContainer sc, String location, String caSecret) {
        String what = sc.describe();
        Optional<JsonNode> mount = Manifests.list(sc.container().path("volumeMounts")).stream()
                .filter(m -> location.startsWith(m.path("mountPath").asText().replaceAll("/$", "") + "/"))
                .max((a, b) -> Integer.compare(a.path("mountPath").asText().length(), b.path("mountPath").asText().length()));
        if (mount.isEmpty()) {
            return Optional.of(what + " reads its truststore from " + location + ", under no volume mount of the container");
        }
        if (mount.get().has("subPath") || mount.get().has("subPathExpr")) {
            return Optional.of(what + " mounts its truststore's volume with a subPath, which never follows the Secret");
        }
        String file = location.substring(mount.get().path("mountPath").asText().replaceAll("/$", "").length() + 1);
        String volumeName = mount.get().path("name").asText();
        Optional<JsonNode> volume = Manifests.list(sc.deployment().path("spec").path("template").path("spec")
                .path("volumes")).stream().filter(v -> volumeName.equals(v.path("name").asText())).findFirst();
        JsonNode secret = volume.map(v -> v.path("secret")).orElse(MissingNode.getInstance());
        if (!secret.isObject()) {
            return Optional.of(what + " reads its truststore from volume " + volumeName + ", which is not a Secret "
                    + "volume; the truststore is key " + CA_TRUSTSTORE_KEY + " of Secret " + caSecret);
        }
        if (!caSecret.equals(secret.path("secretName").asText())) {
            return Optional.of(what + " reads its truststore from Secret " + secret.path("secretName").asText()
                    + "; the cluster CA is in Secret " + caSecret);
        }
        List<JsonNode> items = Manifests.list(secret.path("items"));
        // Without items, every key of the Secret is a file of its own name.
        String key = items.isEmpty() ? file : items.stream().filter(i -> file.equals(i.path("path").asText()))
                .map(i -> i.path("key").asText()).findFirst().orElse("");
        if (!CA_TRUSTSTORE_KEY.equals(key)) {
            return Optional.of(what + " reads its truststore from " + location + ", which is "
                    + (key.isEmpty() ? "no file of" : "key " + key + " of") + " Secret " + caSecret + " (volume "
                    + volumeName + "); the truststore is key " + CA_TRUSTSTORE_KEY);
        }
        return Optional.empty();
    }

    /**
     * No secret in a manifest: no container of any Deployment sets a variable that holds one
     * ({@link EnvironmentRule#holdsASecret}) to a literal value or from a ConfigMap, no ConfigMap holds one, and the
     * manifests hold no Secret (whose values would then be in the repository): Strimzi creates them, or an
     * administrator with kubectl.
     */
    List<String> noSecretIsWrittenIntoAManifest() {
        List<String> problems = new ArrayList<>();
        for (JsonNode secret : manifests.ofKind("Secret")) {
            problems.add(Manifests.describe(secret) + " is written into the manifests, values and all; let Strimzi "
                    + "create it, or create it with kubectl create secret");
        }
        for (JsonNode deployment : manifests.ofKind("Deployment")) {
            for (JsonNode container : Manifests.containers(deployment)) {
                String what = Manifests.describe(deployment) + " container " + container.path("name").asText();
                for (JsonNode variable : Manifests.list(container.path("env"))) {
                    String name = variable.path("name").asText();
                    if (!EnvironmentRule.holdsASecret(name)) {
                        continue;
                    }
                    if (variable.has("value")) {
                        problems.add(what + " sets " + name + " to a value written in the manifest; a secret belongs in"
                                + " a Secret (valueFrom.secretKeyRef)");
                    } else if (variable.path("valueFrom").has("configMapKeyRef")) {
                        problems.add(what + " takes " + name + " from a ConfigMap; a secret belongs in a Secret "
                                + "(valueFrom.secretKeyRef)");
                    }
                }
            }
        }
        for (JsonNode configMap : manifests.ofKind("ConfigMap")) {
            configMap.path("data").fieldNames().forEachRemaining(key -> {
                if (EnvironmentRule.holdsASecret(key)) {
                    problems.add(Manifests.describe(configMap) + " holds " + key + "; a secret belongs in a Secret");
                }
            });
        }
        return problems;
    }

    // ---- KEDA

    /**
     * Every KEDA kafka trigger connects as the scaled service's own user, the way the service does: TLS and
     * SCRAM-SHA-512 ({@code tls: enable}, {@code sasl: scram_sha512}) on a listener that has both, and an
     * authenticationRef to a TriggerAuthentication of these manifests (in the ScaledObject's namespace) that gives the
     * password from key password of the service's KafkaUser's Secret, the user name from a ConfigMap key whose value is
     * that user's name, and the CA from key ca.crt of the cluster CA's Secret. Every parameter it gives is one the kafka
     * scaler reads.
     */
    List<String> scalersLogInThroughTriggerAuthentications() {
        List<String> problems = new ArrayList<>();
        for (JsonNode scaledObject : manifests.ofKind("ScaledObject")) {
            Optional<ServiceConfig> service = checks.scaledService(scaledObject);
            if (service.isEmpty()) {
                continue; // scalersUseTheServicesConsumerGroups reports it
            }
            String user = service.get().name();
            String namespace = Manifests.namespace(scaledObject);
            for (JsonNode trigger : DeployChecks.kafkaTriggers(scaledObject)) {
                String what = Manifests.describe(scaledObject) + " kafka trigger";
                JsonNode metadata = trigger.path("metadata");
                Optional<DeployChecks.Listener> listener = checks.bootstrapListener(
                        metadata.path("bootstrapServers").asText(""), namespace);
                if (!"enable".equals(metadata.path("tls").asText())) {
                    problems.add(what + " does not set tls: enable; the brokers take TLS only");
                }
                if (!"scram_sha512".equals(metadata.path("sasl").asText())) {
                    problems.add(what + " does not set sasl: scram_sha512; the brokers take SCRAM-SHA-512 logins only");
                }
                listener.ifPresent(l -> problems.addAll(listenerTakesScramOverTls(what, l)));
                JsonNode reference = trigger.path("authenticationRef");
                if (!reference.isObject()) {
                    problems.add(what + " has no authenticationRef: KEDA would connect without a login");
                    continue;
                }
                String kind = reference.path("kind").asText("TriggerAuthentication");
                String name = reference.path("name").asText();
                Optional<JsonNode> authentication = manifests.ofKind(kind).stream()
                        .filter(a -> name.equals(Manifests.name(a))
                                && (kind.equals("ClusterTriggerAuthentication") || Manifests.namespace(a).equals(namespace)))
                        .findFirst();
                if (authentication.isEmpty()) {
                    problems.add(what + " uses " + kind + " " + name + ", which is not in these manifests"
                            + (kind.equals("TriggerAuthentication") ? " (in its namespace)" : ""));
                    continue;
                }
                Optional<JsonNode> cluster = listener.map(DeployChecks.Listener::cluster).or(() -> onlyCluster(namespace));
                problems.addAll(triggerAuthenticationProblems(authentication.get(), user, cluster.map(this::caSecret)));
            }
        }
        return problems;
    }

    /** The parameters of a TriggerAuthentication, each with where it comes from. */
    private List<String> triggerAuthenticationProblems(JsonNode authentication, String user, Optional<String> caSecret) {
        String what = Manifests.describe(authentication);
        JsonNode spec = authentication.path("spec");
        List<String> problems = new ArrayList<>();
        Map<String, JsonNode> secrets = new TreeMap<>();
        Map<String, JsonNode> configMaps = new TreeMap<>();
        Manifests.list(spec.path("secretTargetRef")).forEach(r -> secrets.put(r.path("parameter").asText(), r));
        Manifests.list(spec.path("configMapTargetRef")).forEach(r -> configMaps.put(r.path("parameter").asText(), r));
        Set<String> parameters = new TreeSet<>(secrets.keySet());
        parameters.addAll(configMaps.keySet());
        Manifests.list(spec.path("env")).forEach(r -> parameters.add(r.path("parameter").asText()));
        for (String parameter : parameters) {
            if (!KAFKA_SCALER_AUTH_PARAMETERS.contains(parameter)) {
                problems.add(what + " gives parameter " + parameter + ", which KEDA's kafka scaler does not read");
            }
        }
        JsonNode password = secrets.get("password");
        if (password == null) {
            problems.add(what + " gives no password from a Secret (secretTargetRef: key " + USER_PASSWORD_KEY
                    + " of Secret " + user + ", KafkaUser/" + user + "'s)");
        } else if (!user.equals(password.path("name").asText()) || !USER_PASSWORD_KEY.equals(password.path("key").asText())) {
            problems.add(what + " takes the password from key " + password.path("key").asText() + " of Secret "
                    + password.path("name").asText() + "; the scaled service's user's is key " + USER_PASSWORD_KEY
                    + " of Secret " + user);
        }
        JsonNode username = configMaps.get("username");
        if (username == null) {
            problems.add(what + " gives no username from a ConfigMap (configMapTargetRef), where these checks can see"
                    + " that it names " + user);
        } else {
            Optional<String> value = manifests.named("ConfigMap", username.path("name").asText())
                    .map(c -> c.path("data").path(username.path("key").asText()))
                    .filter(JsonNode::isTextual).map(JsonNode::asText);
            if (!value.map(user::equals).orElse(false)) {
                problems.add(what + " takes the username from key " + username.path("key").asText() + " of ConfigMap "
                        + username.path("name").asText() + ", which is " + value.map(v -> "'" + v + "'")
                        .orElse("not in these manifests") + "; the scaled service's user is " + user);
            }
        }
        caSecret.ifPresent(expected -> {
            JsonNode ca = secrets.get("ca");
            if (ca == null || !expected.equals(ca.path("name").asText()) || !CA_PEM_KEY.equals(ca.path("key").asText())) {
                problems.add(what + " does not give the ca from key " + CA_PEM_KEY + " of Secret " + expected
                        + ": KEDA would not trust the brokers' certificates");
            }
        });
        return problems;
    }

    // ---- Topics

    /**
     * Every topic of {@link ServiceAcls#TOPICS}, the topics the services' ACLs name, is a KafkaTopic with at least the
     * partitions the table gives it, compacted where the table says so; and every KafkaTopic is in the table, since
     * no service has an ACL for any other.
     */
    List<String> topicsAreThoseOfTheServiceAcls() {
        List<String> problems = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        for (ServiceAcls.Topic topic : ServiceAcls.TOPICS) {
            names.add(topic.name());
            Optional<JsonNode> kafkaTopic = checks.kafkaTopic(topic.name());
            if (kafkaTopic.isEmpty()) {
                problems.add("ServiceAcls.TOPICS has topic " + topic.name() + ", which no KafkaTopic declares");
                continue;
            }
            String what = Manifests.describe(kafkaTopic.get());
            JsonNode partitions = kafkaTopic.get().path("spec").path("partitions");
            if (!partitions.canConvertToInt()) {
                problems.add(what + " does not set spec.partitions; ServiceAcls.TOPICS gives it " + topic.partitions());
            } else if (partitions.asInt() < topic.partitions()) {
                problems.add(what + " has " + partitions.asInt() + " partitions, fewer than the " + topic.partitions()
                        + " ServiceAcls.TOPICS gives it");
            }
            String policy = DeployChecks.topicConfig(kafkaTopic.get(), "cleanup.policy").orElse("delete");
            if (topic.compacted() && !policy.contains("compact")) {
                problems.add(what + " has cleanup.policy " + policy + "; ServiceAcls.TOPICS has it compacted");
            }
        }
        for (JsonNode kafkaTopic : manifests.ofKind("KafkaTopic")) {
            String name = kafkaTopic.path("spec").path("topicName").asText(Manifests.name(kafkaTopic));
            if (!names.contains(name)) {
                problems.add(Manifests.describe(kafkaTopic) + " is not in ServiceAcls.TOPICS, so no service's ACLs name it");
            }
        }
        return problems;
    }

    // ---- Look-ups

    /** Strimzi's Secret of a Kafka cluster's CA certificate. */
    private String caSecret(JsonNode cluster) {
        return Manifests.name(cluster) + "-cluster-ca-cert";
    }

    private Optional<JsonNode> onlyCluster(String namespace) {
        List<JsonNode> clusters = manifests.ofKind("Kafka").stream()
                .filter(k -> Manifests.namespace(k).equals(namespace)).toList();
        return clusters.size() == 1 ? Optional.of(clusters.get(0)) : Optional.empty();
    }
}
