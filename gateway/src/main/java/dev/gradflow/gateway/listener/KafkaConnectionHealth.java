package dev.gradflow.gateway.listener;

import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Readiness: whether the broker answers this gateway with its Kafka configuration ({@code kafka.*}: bootstrap servers,
 * TLS, SASL). The messaging channels' own checks only say KO when the broker refuses the credentials; this one says
 * why, naming an authentication failure, and logs it once (Kafka's messages never contain the password).
 */
@Readiness
@ApplicationScoped
public class KafkaConnectionHealth implements HealthCheck {
    private static final Logger LOG = Logger.getLogger(KafkaConnectionHealth.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Probes come every few seconds from each prober; one question to the broker answers them all for a while. */
    private static final Duration REUSE = Duration.ofSeconds(5);

    /** Quarkus' shared Kafka configuration ({@code kafka.*}), which every channel uses too. */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private Admin admin;
    private HealthCheckResponse last;
    private long lastAt;
    private boolean refusalLogged;

    @Override
    public synchronized HealthCheckResponse call() {
        if (last == null || System.nanoTime() - lastAt > REUSE.toNanos()) {
            last = check();
            lastAt = System.nanoTime();
        }
        return last;
    }

    private HealthCheckResponse check() {
        var response = HealthCheckResponse.named("Kafka connection");
        try {
            if (admin == null) {
                admin = Admin.create(adminProperties());
            }
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()))
                    .nodes().get(TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS).size();
            refusalLogged = false;
            return response.up().withData("nodes", nodes).build();
        } catch (ExecutionException e) {
            return response.down().withData("reason", reason(e.getCause())).build();
        } catch (TimeoutException e) {
            return response.down().withData("reason", "Kafka did not answer within " + TIMEOUT).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return response.down().withData("reason", "interrupted").build();
        }
    }

    private String reason(Throwable failure) {
        if (failure instanceof AuthenticationException) {
            String reason = "Kafka authentication failed (check the SASL user name and password, and the truststore): "
                    + failure;
            if (!refusalLogged) {
                LOG.error(reason);
                refusalLogged = true;
            }
            return reason;
        }
        return "Kafka is not reachable: " + failure;
    }

    private Map<String, Object> adminProperties() {
        Map<String, Object> properties = new HashMap<>();
        kafka.forEach((name, value) -> {
            if (AdminClientConfig.configNames().contains(name)) {
                properties.put(name, value);
            }
        });
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "gateway-health");
        return properties;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
