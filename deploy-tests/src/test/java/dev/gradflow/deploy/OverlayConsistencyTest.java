package dev.gradflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a schema cannot check, for both overlays: the manifests agree with each other, with the services'
 * application.properties and with their Kafka ACLs (ServiceAcls). Each test is one of the checks of
 * {@link DeployChecks} or {@link KafkaSecurityChecks}; its Javadoc there says what it requires.
 */
class OverlayConsistencyTest {

    private static final Path MONITORING = Path.of("base", "monitoring");

    private static DeployChecks checks(Overlay overlay) {
        return new DeployChecks(overlay.manifests(), ServiceConfig.all());
    }

    private static void assertNoProblems(Overlay overlay, List<String> problems) {
        assertThat(problems).as(overlay.toString()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void everyServiceIsDeployed(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).everyServiceIsDeployed());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void everyTopicTheServicesUseIsAKafkaTopic(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).topicsExist());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void stateTopicsHaveThePartitionsOfTheirInputs(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).stateTopicsCoverTheirInputs());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void strimziResourcesNameTheirCluster(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).strimziResourcesNameTheirCluster());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void scalersWatchTheServicesConsumerGroups(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).scalersUseTheServicesConsumerGroups());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void scalerParametersAreOnesKedaReads(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).kafkaTriggerParametersAreKnown());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void scalingStaysWithinThePartitions(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).scalingStaysWithinPartitions());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void topicsAcceptTheLargestRecords(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).topicsAcceptTheLargestRecords());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void replicationFitsTheBrokers(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).replicationFitsTheBrokers());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void brokerConfigIsNotDroppedByStrimzi(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).brokerConfigReachesTheBrokers(StrimziCrds.ignoredBrokerConfig()));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void portsAndProbesMatchTheServices(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).portsAndProbesMatchTheServices());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void environmentVariablesAreOnesTheServicesRead(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).environmentVariablesAreUnderstood());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void servicesReachTheKafkaCluster(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).servicesReachTheKafkaCluster());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void everyDeploymentHasAServiceAndADisruptionBudget(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).deploymentsHaveServicesAndDisruptionBudgets());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void serviceTargetPortsExist(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).serviceTargetPortsExist());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void serviceMonitorsScrapeNamedPorts(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).serviceMonitorsScrapeNamedPorts());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void prometheusRuleEqualsThePlainRulesFile(Overlay overlay) {
        Path rulesFile = Repository.deploy().resolve(MONITORING).resolve("rules/gradflow.rules.yaml");
        assertNoProblems(overlay, checks(overlay).prometheusRulesEqualTheRulesFile(rulesFile));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void rulesSelectJobsThatAreScraped(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).rulesSelectScrapedJobs());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void dashboardsAreLabelledValidAndWellFormed(Overlay overlay) {
        Path dashboards = Repository.deploy().resolve(MONITORING).resolve("dashboards");
        assertNoProblems(overlay, checks(overlay).dashboardsAreLoadable(dashboards));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void kafkaUsersGrantExactlyTheServiceAcls(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).security().kafkaUsersGrantExactlyTheServiceAcls());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void everyClientListenerHasTlsAndAuthentication(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).security().clientListenersUseTlsAndAuthentication());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void servicesLogInWithTheirOwnSecretsOverTls(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).security().servicesLogInWithTheirOwnSecrets());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void noSecretIsWrittenIntoAManifest(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).security().noSecretIsWrittenIntoAManifest());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void scalersLogInThroughTriggerAuthentications(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).security().scalersLogInThroughTriggerAuthentications());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Overlay.class)
    void topicsAreThoseOfTheServiceAcls(Overlay overlay) {
        assertNoProblems(overlay, checks(overlay).security().topicsAreThoseOfTheServiceAcls());
    }
}
