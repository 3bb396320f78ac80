package dev.gradflow.kafka.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class ServiceAclsTest {

    @Test
    void theReadmeShowsTheTableTheCodeApplies() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("gradflow.repository.root", "..")).resolve("README.md"));
        String indented = ServiceAcls.markdownTable().lines().map(line -> "  " + line)
                .collect(Collectors.joining("\n", "", "\n"));
        assertThat(readme).as("README.md, section Security: replace its ACL table by%n%s", indented).contains(indented);
    }

    @Test
    void topicsByNameOnlyGroupsAndTransactionalIdsByTheirServicesPrefix() {
        Set<String> topics = ServiceAcls.TOPICS.stream().map(ServiceAcls.Topic::name).collect(Collectors.toSet());
        ServiceAcls.GRANTS.forEach((service, grants) -> {
            for (ServiceAcls.Grant grant : grants) {
                if (grant.resource() == ResourceType.TOPIC) {
                    assertThat(grant.pattern()).as(grant.describe()).isEqualTo(PatternType.LITERAL);
                    assertThat(topics).as("%s of %s is created", grant.name(), service).contains(grant.name());
                    assertThat(grant.operation()).isIn(AclOperation.READ, AclOperation.WRITE);
                } else {
                    assertThat(grant.resource()).isIn(ResourceType.GROUP, ResourceType.TRANSACTIONAL_ID);
                    assertThat(grant.pattern()).isEqualTo(PatternType.PREFIXED);
                    assertThat(grant.name()).as("a prefix of %s's own", service).startsWith(service);
                }
                assertThat(grant.name()).doesNotContain("*");
            }
        });
        assertThat(ServiceAcls.GRANTS.keySet()).containsExactly("gateway", "forward-service", "gradient-service",
                "job-service");
        // Nothing on the cluster (no CREATE, no IDEMPOTENT_WRITE): every grant is on a topic, a group or an id.
        assertThat(ServiceAcls.GRANTS.values().stream().flatMap(List::stream).map(ServiceAcls.Grant::resource))
                .doesNotContain(ResourceType.CLUSTER);
    }
}
