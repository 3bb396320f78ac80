package dev.gradflow.gateway.rest;

import dev.gradflow.gateway.service.ResultStore;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Batch results, as they arrive on the gradients topic. */
@Path("/batches")
@Tag(name = "batches")
@Produces(MediaType.APPLICATION_JSON)
public class BatchResource {

    @Inject
    ResultStore results;

    @GET
    @Path("/{batchId}")
    @Operation(summary = "A batch's status and, once done, its output and gradients")
    @APIResponse(responseCode = "200", description = "status is pending, done (with output, parameterGradients"
            + " and inputGradients) or failed (with error)")
    @APIResponse(responseCode = "404", description = "No batch with this id is known to this gateway")
    public BatchResult result(@PathParam("batchId") String batchId) {
        return BatchResult.of(results.find(batchId)
                .orElseThrow(() -> new NotFoundException("batch \"" + batchId + "\" is not known")));
    }
}
