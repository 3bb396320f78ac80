package dev.gradflow.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradflow.gateway.config.GatewayConfig;
import dev.gradflow.gateway.service.JobStore;
import dev.gradflow.gateway.service.JobSubmissions;
import dev.gradflow.gateway.service.UnknownJobException;
import dev.gradflow.gateway.tenant.Caller;
import dev.gradflow.gateway.tenant.CurrentCaller;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Jobs: the gradient over a whole dataset, or a training run, through the pipeline. */
@Path("/jobs")
@Tag(name = "jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobResource {
    /** How often an event stream looks for news: its events come at most this often. */
    private static final Duration EVENT_INTERVAL = Duration.ofMillis(250);

    @Inject
    JobSubmissions submissions;

    @Inject
    JobStore jobs;

    @Inject
    ObjectMapper json;

    @Inject
    GatewayConfig config;

    @Inject
    CurrentCaller caller;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a job",
            description = "network (a registered id or an inline definition), dataset (inline rows, an uploaded"
                    + " dataset's id, or an nnfs generator), batchSize, mode (\"gradient\" or \"train\"); for train:"
                    + " epochs, optimizer, shuffle, seed, accumulate; init (\"definition\" or \"nnfs\"). Checked"
                    + " completely before it is published to the jobs topic; see the README.")
    @APIResponse(responseCode = "201", description = "Started; the body holds the job id, Location its URL")
    @APIResponse(responseCode = "400", description = "Malformed JSON or an invalid job; names the field")
    @APIResponse(responseCode = "503", description = "Kafka did not acknowledge the job")
    public Response submit(byte[] body) throws IOException {
        String jobId = submissions.submit(RequestBodies.read(json, body, config.maxBodyBytes()), caller.get());
        return Response.created(URI.create("/jobs/" + jobId)).entity(Map.of("jobId", jobId, "status", "queued"))
                .build();
    }

    @GET
    @Operation(summary = "Every job of the caller's tenant this gateway knows, the most recently updated first"
            + " (without results)")
    public List<JsonNode> list() {
        return jobs.list(caller.get()).stream().map(JobResource::withoutResult).toList();
    }

    @GET
    @Path("/{jobId}")
    @Operation(summary = "A job's status and progress",
            description = "status (queued, running, done, failed, cancelled), epoch and epochs, step and steps,"
                    + " samples, the latest loss and accuracy, samplesPerSecond, secondsLeft, history per epoch,"
                    + " error; the result is at /jobs/{jobId}/result")
    @APIResponse(responseCode = "200", description = "The job's progress")
    @APIResponse(responseCode = "404", description = "No such job")
    public JsonNode status(@PathParam("jobId") String jobId) {
        return withoutResult(find(jobId));
    }

    @GET
    @Path("/{jobId}/result")
    @Operation(summary = "A done job's result",
            description = "Training: the trained network as a definition (ready for POST /networks) and the loss"
                    + " and accuracy per epoch. Gradient: the mean loss (output) and its gradient per parameter.")
    @APIResponse(responseCode = "200", description = "The result")
    @APIResponse(responseCode = "404", description = "No such job, or it has no result (yet)")
    public JsonNode result(@PathParam("jobId") String jobId) {
        ObjectNode progress = find(jobId);
        JsonNode result = progress.get("result");
        if (result == null) {
            String status = progress.path("status").asText();
            String why = progress.hasNonNull("error") ? ": " + progress.get("error").asText() : "";
            throw new jakarta.ws.rs.NotFoundException("job " + jobId + " has no result: it is " + status + why);
        }
        return result;
    }

    @GET
    @Path("/{jobId}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(summary = "A job's progress as Server-Sent Events",
            description = "An event named after the status each time the progress changes (at most every 250 ms),"
                    + " data the same JSON as GET /jobs/{jobId}; the last event is the job's end: \"done\" with the"
                    + " result, \"failed\" with the error, or \"cancelled\"; then the stream ends.")
    @APIResponse(responseCode = "404", description = "No such job")
    public Multi<OutboundSseEvent> events(@PathParam("jobId") String jobId, @Context Sse sse) {
        Caller who = caller.get();
        find(jobId);
        AtomicReference<JsonNode> last = new AtomicReference<>();
        AtomicBoolean ended = new AtomicBoolean();
        // Polling the store at a fixed rate is the throttle: however fast a job steps, a client gets at most four
        // events a second, each the latest state, and a slow client drops ticks rather than piling up events.
        return Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).every(EVENT_INTERVAL)
                .onOverflow().drop()
                .select().first(tick -> !ended.get())
                .map(tick -> jobs.find(jobId, who).orElse(null))
                .select().where(progress -> progress != null && !progress.equals(last.get()))
                .onItem().invoke(progress -> {
                    last.set(progress);
                    ended.set(JobStore.ended(progress));
                })
                .map(progress -> sse.newEventBuilder().name(progress.path("status").asText())
                        .data(progress.toString()).build());
    }

    @DELETE
    @Path("/{jobId}")
    @Operation(summary = "Cancel a job", description = "No further step is taken; its status becomes cancelled")
    @APIResponse(responseCode = "202", description = "Cancellation published")
    @APIResponse(responseCode = "404", description = "No such job")
    @APIResponse(responseCode = "409", description = "The job already ended")
    public Response cancel(@PathParam("jobId") String jobId) {
        submissions.cancel(jobId, caller.get());
        return Response.accepted(Map.of("jobId", jobId, "status", "cancelling")).build();
    }

    private ObjectNode find(String jobId) {
        return jobs.find(jobId, caller.get()).orElseThrow(() -> new UnknownJobException(jobId));
    }

    private static JsonNode withoutResult(ObjectNode progress) {
        if (!progress.has("result")) {
            return progress;
        }
        ObjectNode copy = progress.deepCopy();
        copy.remove("result");
        return copy;
    }
}
