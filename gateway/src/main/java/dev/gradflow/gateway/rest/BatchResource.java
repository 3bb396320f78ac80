package dev.gradflow.gateway.rest;

import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.core.trace.ChainRuleDot;
import dev.gradflow.core.trace.TracePicture;
import dev.gradflow.gateway.graph.TraceSvg;
import dev.gradflow.gateway.service.BatchGraphs;
import dev.gradflow.gateway.service.ResultStore;
import dev.gradflow.gateway.tenant.CurrentCaller;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Batch results, as they arrive on the gradients topic. */
@Path("/batches")
@Tag(name = "batches")
@Produces(MediaType.APPLICATION_JSON)
public class BatchResource {

    /** Graphviz's DOT language. */
    public static final String DOT = "text/vnd.graphviz";
    public static final String SVG = "image/svg+xml";

    @Inject
    ResultStore results;

    @Inject
    BatchGraphs graphs;

    @Inject
    CurrentCaller caller;

    @GET
    @Path("/{batchId}")
    @Operation(summary = "A batch's status and, once done, its output and gradients")
    @APIResponse(responseCode = "200", description = "status is pending, done (with output, parameterGradients"
            + " and inputGradients) or failed (with error)")
    @APIResponse(responseCode = "404", description = "No batch with this id is known to this gateway, or it is another"
            + " tenant's")
    public BatchResult result(@PathParam("batchId") String batchId) {
        return BatchResult.of(results.find(batchId, caller.get())
                .orElseThrow(() -> new NotFoundException("batch \"" + batchId + "\" is not known")));
    }

    @GET
    @Path("/{batchId}/graph")
    @Produces({MediaType.APPLICATION_JSON, SVG, DOT})
    @Operation(summary = "A traced batch's recorded graph: every node's value and gradient, and on every edge the"
            + " local derivative, the upstream gradient and the contribution (the chain rule)")
    @APIResponse(responseCode = "200", description = "SVG (laid out by Eclipse ELK), DOT, or JSON (nodes and edges"
            + " with every number), by the Accept header, or by ?format=svg|dot|json")
    @APIResponse(responseCode = "400", description = "?expand names a layer the network does not have")
    @APIResponse(responseCode = "404", description = "No batch with this id, or it was answered without a trace")
    @APIResponse(responseCode = "409", description = "The batch is still pending")
    @APIResponse(responseCode = "413", description = "The picture would have more boxes than"
            + " gradflow.gateway.graph-max-boxes")
    public Response graph(@PathParam("batchId") String batchId,
            @Parameter(description = "layers to draw node by node, comma-separated, or all") @QueryParam("expand")
            String expand,
            @Parameter(description = "svg, dot or json, instead of the Accept header") @QueryParam("format")
            String format,
            @Context HttpHeaders headers) {
        MediaType type = chosen(format, headers);
        BatchGraphs.Expanded graph = graphs.expand(graphs.find(batchId, caller.get()), expand);
        if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
            return Response.ok(BatchGraph.of(graph.graph()), MediaType.APPLICATION_JSON_TYPE).build();
        }
        TracePicture picture = graphs.picture(graph);
        if (type.isCompatible(MediaType.valueOf(SVG))) {
            return Response.ok(TraceSvg.render(picture), SVG + ";charset=UTF-8").build();
        }
        return Response.ok(ChainRuleDot.render(picture), DOT + ";charset=UTF-8").build();
    }

    /** The form asked for: {@code ?format=}, else the most preferred type of the Accept header we can write. */
    private static MediaType chosen(String format, HttpHeaders headers) {
        if (format != null) {
            return switch (format) {
                case "json" -> MediaType.APPLICATION_JSON_TYPE;
                case "dot" -> MediaType.valueOf(DOT);
                case "svg" -> MediaType.valueOf(SVG);
                default -> throw new DefinitionException("format", "\"" + format + "\" is not svg, dot or json");
            };
        }
        for (MediaType accepted : headers.getAcceptableMediaTypes()) {
            if (accepted.isWildcardType() || accepted.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
                return MediaType.APPLICATION_JSON_TYPE;
            }
            if (accepted.isCompatible(MediaType.valueOf(SVG))) {
                return MediaType.valueOf(SVG);
            }
            if (accepted.isCompatible(MediaType.valueOf(DOT))) {
                return MediaType.valueOf(DOT);
            }
        }
        throw new NotAcceptableException("the graph is written as " + SVG + ", " + DOT + " or application/json");
    }
}
