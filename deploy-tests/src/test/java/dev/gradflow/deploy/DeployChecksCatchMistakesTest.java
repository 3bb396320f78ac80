package dev.gradflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link DeployChecks} and {@link KafkaSecurityChecks} on the test's own deployments: the correct fixture passes every
 * check (no false alarms), and the flawed one, which has one mistake per check (see
 * src/test/resources/flawed/kustomization.yaml), fails each check with that mistake. Without this, a check that could
 * never fail would pass the overlays too.
 */
class DeployChecksCatchMistakesTest {

    /** Each check, by name. */
    private static Map<String, Function<DeployChecks, List<String>>> allChecks() {
        Map<String, Function<DeployChecks, List<String>>> checks = new TreeMap<>();
        checks.put("everyServiceIsDeployed", DeployChecks::everyServiceIsDeployed);
        checks.put("topicsExist", DeployChecks::topicsExist);
        checks.put("stateTopicsCoverTheirInputs", DeployChecks::stateTopicsCoverTheirInputs);
        checks.put("strimziResourcesNameTheirCluster", DeployChecks::strimziResourcesNameTheirCluster);
        checks.put("scalersUseTheServicesConsumerGroups", DeployChecks::scalersUseTheServicesConsumerGroups);
        checks.put("kafkaTriggerParametersAreKnown", DeployChecks::kafkaTriggerParametersAreKnown);
        checks.put("scalingStaysWithinPartitions", DeployChecks::scalingStaysWithinPartitions);
        checks.put("topicsAcceptTheLargestRecords", DeployChecks::topicsAcceptTheLargestRecords);
        checks.put("replicationFitsTheBrokers", DeployChecks::replicationFitsTheBrokers);
        checks.put("brokerConfigReachesTheBrokers",
                c -> c.brokerConfigReachesTheBrokers(StrimziCrds.ignoredBrokerConfig()));
        checks.put("portsAndProbesMatchTheServices", DeployChecks::portsAndProbesMatchTheServices);
        checks.put("environmentVariablesAreUnderstood", DeployChecks::environmentVariablesAreUnderstood);
        checks.put("servicesReachTheKafkaCluster", DeployChecks::servicesReachTheKafkaCluster);
        checks.put("deploymentsHaveServicesAndDisruptionBudgets", DeployChecks::deploymentsHaveServicesAndDisruptionBudgets);
        checks.put("serviceTargetPortsExist", DeployChecks::serviceTargetPortsExist);
        checks.put("serviceMonitorsScrapeNamedPorts", DeployChecks::serviceMonitorsScrapeNamedPorts);
        checks.put("prometheusRulesEqualTheRulesFile", c -> c.prometheusRulesEqualTheRulesFile(Fixtures.rulesFile()));
        checks.put("rulesSelectScrapedJobs", DeployChecks::rulesSelectScrapedJobs);
        checks.put("dashboardsAreLoadable", c -> c.dashboardsAreLoadable(Fixtures.dashboardsDirectory()));
        checks.put("kafkaUsersGrantExactlyTheServiceAcls", c -> c.security().kafkaUsersGrantExactlyTheServiceAcls());
        checks.put("clientListenersUseTlsAndAuthentication", c -> c.security().clientListenersUseTlsAndAuthentication());
        checks.put("servicesLogInWithTheirOwnSecrets", c -> c.security().servicesLogInWithTheirOwnSecrets());
        checks.put("noSecretIsWrittenIntoAManifest", c -> c.security().noSecretIsWrittenIntoAManifest());
        checks.put("scalersLogInThroughTriggerAuthentications",
                c -> c.security().scalersLogInThroughTriggerAuthentications());
        checks.put("topicsAreThoseOfTheServiceAcls", c -> c.security().topicsAreThoseOfTheServiceAcls());
        return checks;
    }

    /** What each check must say about the flawed deployment: the full sentence for each planted mistake. */
    private static final Map<String, List<String>> EXPECTED = Map.ofEntries(
            Map.entry("everyServiceIsDeployed", List.of(
                    "Deployment/debug-shell container shell (image busybox:1.37) runs none of [gateway, forward-service, "
                            + "gradient-service, job-service], so nothing here can check it")),
            Map.entry("topicsExist", List.of(
                    "gradient-service uses topic tapes-dead-letters, which no KafkaTopic declares",
                    "KafkaTopic/network-definitions has cleanup.policy delete; the README requires compact",
                    "KafkaTopic/job-progress has cleanup.policy delete; job-service keeps the latest record per key "
                            + "there and needs compact")),
            Map.entry("stateTopicsCoverTheirInputs", List.of(
                    "KafkaTopic/job-state has 3 partitions, fewer than the 6 of jobs: job-service keeps partition p's "
                            + "state on partition p of job-state and refuses to start")),
            Map.entry("strimziResourcesNameTheirCluster", List.of(
                    "KafkaTopic/gradients names cluster other-cluster, but there is no Kafka of that name in its namespace")),
            Map.entry("scalersUseTheServicesConsumerGroups", List.of(
                    "ScaledObject/forward-service watches consumer group 'forward'; forward-service consumes as "
                            + "'forward-service'")),
            Map.entry("kafkaTriggerParametersAreKnown", List.of(
                    "ScaledObject/forward-service kafka trigger sets lagTreshold, which KEDA's kafka scaler does not "
                            + "read (it ignores unknown keys silently)")),
            Map.entry("scalingStaysWithinPartitions", List.of(
                    "ScaledObject/gradient-service allows 12 replicas (maxReplicaCount), but topic tapes has only 6 partitions")),
            Map.entry("topicsAcceptTheLargestRecords", List.of(
                    "KafkaTopic/batches takes records up to 1048588 bytes (its max.message.bytes), but gateway may send "
                            + "67108864 (max.request.size)")),
            Map.entry("replicationFitsTheBrokers", List.of(
                    "KafkaTopic/tapes asks for 3 replicas; Kafka/gradflow has 1 broker(s)")),
            Map.entry("brokerConfigReachesTheBrokers", List.of(
                    "Kafka/gradflow sets advertised.listeners, which Strimzi manages itself and drops from spec.kafka.config")),
            Map.entry("portsAndProbesMatchTheServices", List.of(
                    "Deployment/gateway container gateway (gateway) readinessProbe probes /health/ready; Quarkus answers "
                            + "it at /q/health/ready")),
            Map.entry("environmentVariablesAreUnderstood", List.of(
                    "Deployment/gateway container gateway (gateway) sets GRADFLOW_GATEWAY_MAX_BODY_BYTE, which gateway "
                            + "does not read (no application.properties key, Kafka client key or platform variable has "
                            + "that name)")),
            Map.entry("servicesReachTheKafkaCluster", List.of(
                    "Deployment/gradient-service container gradient-service (gradient-service) KAFKA_BOOTSTRAP_SERVERS "
                            + "names host kafka, which is no Kafka cluster's bootstrap Service (<cluster>-kafka-bootstrap) here")),
            Map.entry("deploymentsHaveServicesAndDisruptionBudgets", List.of(
                    "no Service selects the pods of Deployment/debug-shell",
                    "no PodDisruptionBudget selects the pods of Deployment/debug-shell",
                    "no PodDisruptionBudget selects the pods of Deployment/gateway")),
            Map.entry("serviceTargetPortsExist", List.of(
                    "Service/forward-service port http targets metrics, which no container of "
                            + "Deployment/forward-service exposes")),
            Map.entry("serviceMonitorsScrapeNamedPorts", List.of(
                    "ServiceMonitor/gradflow scrapes port 'web', which none of the Services it selects "
                            + "([Service/forward-service, Service/gateway, Service/gradient-service, "
                            + "Service/job-service]) names")),
            Map.entry("prometheusRulesEqualTheRulesFile", List.of(
                    "PrometheusRule/gradflow spec.groups differs from gradflow.rules.yaml: groups[0].rules[0].for is "
                            + "\"10m\" here, \"5m\" in the file")),
            Map.entry("rulesSelectScrapedJobs", List.of(
                    "PrometheusRule/gradflow rule GradflowForwardLagging selects job=\"forward\", but the ServiceMonitors "
                            + "scrape only the jobs [forward-service, gateway, gradient-service, job-service]")),
            Map.entry("dashboardsAreLoadable", List.of(
                    "ConfigMap/gradflow-dashboards holds dashboards but lacks the label grafana_dashboard: \"1\"")),
            Map.entry("kafkaUsersGrantExactlyTheServiceAcls", List.of(
                    "KafkaUser/forward-service allows TOPIC gradients: READ, which ServiceAcls.GRANTS does not give "
                            + "User:forward-service",
                    "KafkaUser/job-service lacks GROUP job-service*: READ, which ServiceAcls.GRANTS gives User:job-service",
                    "KafkaUser/job-service allows GROUP job-service: READ, which ServiceAcls.GRANTS does not give "
                            + "User:job-service")),
            Map.entry("clientListenersUseTlsAndAuthentication", List.of(
                    "Kafka/gradflow listener plain (port 9092) has no TLS: logins and records would cross the network "
                            + "in the clear",
                    "Kafka/gradflow listener plain (port 9092) has no authentication: any client that reaches it is let "
                            + "in, as User:ANONYMOUS")),
            Map.entry("servicesLogInWithTheirOwnSecrets", List.of(
                    "Deployment/gateway container gateway (gateway) takes KAFKA_SASL_JAAS_CONFIG from Secret "
                            + "forward-service; it must come from Secret gateway, the Secret of KafkaUser/gateway",
                    "Deployment/job-service container job-service (job-service) reads its truststore from "
                            + "/etc/kafka-ca/truststore.p12, which is key truststore.p12 of Secret "
                            + "gradflow-cluster-ca-cert (volume kafka-ca); the truststore is key ca.p12",
                    "Deployment/job-service container job-service (job-service) does not take "
                            + "KAFKA_SSL_TRUSTSTORE_PASSWORD from a Secret (valueFrom.secretKeyRef: key ca.password of "
                            + "Secret gradflow-cluster-ca-cert, the cluster CA's Secret)")),
            Map.entry("noSecretIsWrittenIntoAManifest", List.of(
                    "Secret/kafka-password is written into the manifests, values and all; let Strimzi create it, or "
                            + "create it with kubectl create secret",
                    "Deployment/job-service container job-service sets KAFKA_SSL_TRUSTSTORE_PASSWORD to a value written "
                            + "in the manifest; a secret belongs in a Secret (valueFrom.secretKeyRef)")),
            Map.entry("scalersLogInThroughTriggerAuthentications", List.of(
                    "ScaledObject/forward-service kafka trigger does not set tls: enable; the brokers take TLS only",
                    "ScaledObject/gradient-service kafka trigger uses TriggerAuthentication gradient-service-keda, which "
                            + "is not in these manifests (in its namespace)")),
            Map.entry("topicsAreThoseOfTheServiceAcls", List.of(
                    "KafkaTopic/gradients has 3 partitions, fewer than the 6 ServiceAcls.TOPICS gives it",
                    "KafkaTopic/datasets has cleanup.policy delete; ServiceAcls.TOPICS has it compacted")));

    @Test
    void theCorrectFixturePassesEveryCheck() {
        DeployChecks checks = new DeployChecks(Fixtures.correct(), ServiceConfig.all());

        allChecks().forEach((name, check) -> assertThat(check.apply(checks)).as(name).isEmpty());
    }

    @Test
    void everyCheckHasAPlantedMistake() {
        assertThat(EXPECTED.keySet()).containsExactlyInAnyOrderElementsOf(allChecks().keySet());
    }

    @Test
    void eachCheckReportsTheMistakesPlantedForIt() {
        DeployChecks checks = new DeployChecks(Fixtures.flawed(), ServiceConfig.all());

        allChecks().forEach((name, check) -> assertThat(check.apply(checks)).as(name)
                .containsAll(EXPECTED.get(name)));
    }

    @Test
    void aDashboardThatIsNotJsonIsReported() {
        DeployChecks checks = new DeployChecks(Fixtures.flawed(), ServiceConfig.all());

        assertThat(checks.dashboardsAreLoadable(Fixtures.dashboardsDirectory()))
                .anySatisfy(problem -> assertThat(problem)
                        .startsWith("ConfigMap/gradflow-dashboards broken.json is not valid JSON"));
    }
}
