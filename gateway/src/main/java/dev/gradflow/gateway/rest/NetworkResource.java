package dev.gradflow.gateway.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.gateway.config.GatewayConfig;
import dev.gradflow.gateway.service.GatewayService;
import dev.gradflow.gateway.service.IdempotencyKeys;
import dev.gradflow.gateway.service.NetworkCatalog;
import dev.gradflow.gateway.service.UnknownNetworkException;
import dev.gradflow.gateway.tenant.Caller;
import dev.gradflow.gateway.tenant.CurrentCaller;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Network definitions: register one, look one up, submit batches to one. */
@Path("/networks")
@Tag(name = "networks")
@Produces(MediaType.APPLICATION_JSON)
public class NetworkResource {

    @Inject
    GatewayService service;

    @Inject
    NetworkCatalog catalog;

    @Inject
    ObjectMapper json;

    @Inject
    GatewayConfig config;

    @Inject
    IdempotencyKeys idempotency;

    @Inject
    CurrentCaller caller;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a network definition",
            description = "A graph of named nodes (\"kind\": \"graph\") or a layer list (\"kind\": \"layers\"); see"
                    + " the README. The definition is checked completely (names, references, cycles, op attributes,"
                    + " shapes) before it is published to the network-definitions topic.")
    @APIResponse(responseCode = "201", description = "Registered; the body holds the network id")
    @APIResponse(responseCode = "400", description = "Malformed JSON or an invalid definition; names the field")
    @APIResponse(responseCode = "503", description = "Kafka did not acknowledge the definition")
    public Response register(byte[] body) throws IOException {
        String networkId = service.register(RequestBodies.read(json, body, config.maxBodyBytes()), caller.get());
        return Response.created(URI.create("/networks/" + networkId)).entity(new NetworkCreated(networkId)).build();
    }

    @GET
    @Path("/{networkId}")
    @Operation(summary = "What a registered network takes: input, target and parameter shapes")
    @APIResponse(responseCode = "200", description = "The network's summary")
    @APIResponse(responseCode = "404", description = "No such network")
    public NetworkSummary describe(@PathParam("networkId") String networkId) {
        return NetworkSummary.of(networkId, catalog.find(networkId, caller.get())
                .orElseThrow(() -> new UnknownNetworkException(networkId)));
    }

    @POST
    @Path("/{networkId}/gradient-check")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Check the engine's gradients against finite differences",
            description = "Takes a batch ({\"inputs\": ..., \"targets\": ...}) and optionally"
                    + " \"maxElementsPerTensor\" (default 32). Runs the forward and backward passes and compares every"
                    + " checked element of every parameter and input gradient with central differences in float64,"
                    + " here and now; nothing is published. Reports the worst relative error per tensor.")
    @APIResponse(responseCode = "200", description = "The report; passed tells whether the worst error is within"
            + " the dtype's tolerance (1e-6 for float64, 1e-3 for float32)")
    @APIResponse(responseCode = "400", description = "Malformed JSON or a batch that does not fit; names the field")
    @APIResponse(responseCode = "404", description = "No such network")
    public GradientCheckResult gradientCheck(@PathParam("networkId") String networkId, byte[] body)
            throws IOException {
        return GradientCheckResult.of(networkId, service.gradientCheck(networkId,
                RequestBodies.read(json, body, config.maxBodyBytes()), caller.get()));
    }

    @POST
    @Path("/{networkId}/batches")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a batch",
            description = "{\"inputs\": {name: nested array}, \"targets\": {name: nested array}}. The batch is"
                    + " checked against the network's shapes, then published to the batches topic.")
    @APIResponse(responseCode = "202", description = "Accepted; the result will appear at /batches/{batchId}."
            + " A retry with the same Idempotency-Key and body returns the same batch id and publishes nothing"
            + " (header Idempotent-Replayed: true)")
    @APIResponse(responseCode = "400", description = "Malformed JSON or a batch that does not fit; names the field")
    @APIResponse(responseCode = "404", description = "No such network")
    @APIResponse(responseCode = "409", description = "The Idempotency-Key was used for a different batch")
    @APIResponse(responseCode = "503", description = "Kafka did not acknowledge the batch")
    public Response submit(@PathParam("networkId") String networkId,
            @HeaderParam("Idempotency-Key") String idempotencyKey, byte[] body) throws IOException {
        Object tree = RequestBodies.read(json, body, config.maxBodyBytes());
        Caller who = caller.get();
        if (idempotencyKey == null) {
            String batchId = service.submit(networkId, tree, null, who);
            return accepted(networkId, batchId, false);
        }
        if (idempotencyKey.isBlank() || idempotencyKey.length() > 200) {
            throw new DefinitionException("Idempotency-Key", "must be 1 to 200 characters");
        }
        IdempotencyKeys.Submission submission = idempotency.submit(who.tenant(), networkId, idempotencyKey, body,
                () -> service.submit(networkId, tree, IdempotencyKeys.batchId(who.tenant(), networkId, idempotencyKey),
                        who));
        return accepted(networkId, submission.batchId(), submission.replayed());
    }

    private static Response accepted(String networkId, String batchId, boolean replayed) {
        Response.ResponseBuilder response = Response.accepted(new BatchAccepted(batchId, networkId, "pending"))
                .location(URI.create("/batches/" + batchId));
        if (replayed) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.build();
    }
}
