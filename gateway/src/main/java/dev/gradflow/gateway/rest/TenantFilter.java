package dev.gradflow.gateway.rest;

import dev.gradflow.gateway.config.GatewayConfig;
import dev.gradflow.gateway.tenant.Caller;
import dev.gradflow.gateway.tenant.CurrentCaller;
import dev.gradflow.gateway.tenant.Tenant;
import dev.gradflow.gateway.tenant.TenantAdmission;
import dev.gradflow.gateway.tenant.TenantDirectory;
import dev.gradflow.gateway.tenant.TenantLimiter;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Who asks, and whether they may ask now. When tenants are configured ({@code gradflow.gateway.tenants-file}, or the
 * older {@code gradflow.gateway.api-keys}), every gateway resource needs an API key in the {@code X-API-Key} header:
 * none or an unknown one is 401. The key's tenant then passes its own limits (429 with {@code Retry-After}, or 413
 * for a body over its bytes in flight) and becomes the request's {@link Caller}, which every resource asks what it
 * may see. Health, metrics and OpenAPI under {@code /q} are not resources and are not filtered.
 *
 * <p>Runs before the body is read, so a refused request's body is never buffered, and counts the body's
 * {@code Content-Length} as in flight until the response has been sent or the connection dropped. The key is
 * hashed and compared in constant time ({@link dev.gradflow.gateway.tenant.Tenants#authenticate}), and never
 * logged or echoed, not even a rejected one.
 */
public class TenantFilter {
    static final String HEADER = "X-API-Key";

    @Inject
    TenantDirectory directory;

    @Inject
    TenantAdmission admission;

    @Inject
    CurrentCaller caller;

    @Inject
    GatewayConfig config;

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Optional<Response> admit(ContainerRequestContext request, RoutingContext routing) {
        if (!directory.enabled()) {
            caller.set(Caller.ANYONE);
            return Optional.empty();
        }
        String presented = request.getHeaderString(HEADER);
        Optional<Tenant> found = presented == null ? Optional.empty() : directory.authenticate(presented);
        if (found.isEmpty()) {
            admission.rejected(TenantAdmission.NO_TENANT, presented == null ? "missing-key" : "invalid-key");
            return Optional.of(error(Response.Status.UNAUTHORIZED, presented == null
                    ? "missing API key (header " + HEADER + ")" : "invalid API key (header " + HEADER + ")"));
        }
        Tenant tenant = found.get();
        long bodyBytes = bodyBytes(request, tenant);
        TenantLimiter.Admission decision = admission.admit(tenant, bodyBytes);
        if (!decision.admitted()) {
            return Optional.of(refused(tenant, decision, bodyBytes));
        }
        routing.addEndHandler(ended -> admission.release(tenant.name(), bodyBytes));
        caller.set(Caller.of(tenant));
        return Optional.empty();
    }

    /**
     * The body's declared length. A body of unknown length (chunked) may be as large as any, so it takes the
     * tenant's whole allowance (or the largest body accepted, if that is less): it runs alone.
     */
    private long bodyBytes(ContainerRequestContext request, Tenant tenant) {
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            try {
                return Math.max(0, Long.parseLong(length.strip()));
            } catch (NumberFormatException e) {
                // Vert.x refuses such a request before it gets here; counted as unknown should one pass.
            }
        } else if (request.getHeaderString("Transfer-Encoding") == null) {
            return 0;
        }
        return Math.min(config.maxBodyBytes(), tenant.limits().maxBytesInFlight());
    }

    private static Response refused(Tenant tenant, TenantLimiter.Admission decision, long bodyBytes) {
        return switch (decision.reason()) {
            case BODY_OVER_LIMIT -> error(Response.Status.REQUEST_ENTITY_TOO_LARGE, "the body has " + bodyBytes
                    + " bytes, more than tenant " + tenant.name() + " may have in flight ("
                    + tenant.limits().maxBytesInFlight() + ", maxBytesInFlight)");
            case RATE -> Response.fromResponse(error(Response.Status.TOO_MANY_REQUESTS, "tenant " + tenant.name()
                    + " sent more than " + rate(tenant.limits().requestsPerSecond()) + " requests per second (burst "
                    + tenant.limits().burst() + "); retry after " + decision.retryAfterSeconds() + " s"))
                    .header(HttpHeaders.RETRY_AFTER, decision.retryAfterSeconds()).build();
            case BYTES_IN_FLIGHT -> Response.fromResponse(error(Response.Status.TOO_MANY_REQUESTS, "tenant "
                    + tenant.name() + " has more than " + tenant.limits().maxBytesInFlight() + " request bytes in"
                    + " flight (maxBytesInFlight); retry after " + decision.retryAfterSeconds() + " s"))
                    .header(HttpHeaders.RETRY_AFTER, decision.retryAfterSeconds()).build();
        };
    }

    private static String rate(double perSecond) {
        return perSecond == Math.rint(perSecond) ? String.valueOf((long) perSecond) : String.valueOf(perSecond);
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(new ErrorResponse(status.getStatusCode(), null, message)).build();
    }
}
