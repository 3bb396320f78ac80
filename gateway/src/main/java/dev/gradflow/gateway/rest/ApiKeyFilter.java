package dev.gradflow.gateway.rest;

import dev.gradflow.gateway.config.GatewayConfig;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Requires an API key in the {@code X-API-Key} header on every gateway resource when
 * {@code gradflow.gateway.api-keys} lists any (off by default, for the local run). Health, metrics and OpenAPI
 * under {@code /q} are served by the management routes and are not filtered. Keys are compared in constant time
 * and never logged, not even the rejected ones.
 */
public class ApiKeyFilter {
    static final String HEADER = "X-API-Key";

    @Inject
    GatewayConfig config;

    @ServerRequestFilter
    public Optional<Response> requireKey(ContainerRequestContext request) {
        Optional<List<String>> keys = config.apiKeys();
        if (keys.isEmpty() || keys.get().isEmpty()) {
            return Optional.empty();
        }
        String presented = request.getHeaderString(HEADER);
        if (presented != null) {
            byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
            for (String key : keys.get()) {
                if (MessageDigest.isEqual(candidate, key.getBytes(StandardCharsets.UTF_8))) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(Response.status(Response.Status.UNAUTHORIZED).type(MediaType.APPLICATION_JSON)
                .entity(new ErrorResponse(401, null, presented == null ? "missing API key (header " + HEADER + ")"
                        : "invalid API key (header " + HEADER + ")")).build());
    }
}
