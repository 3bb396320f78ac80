package dev.gradflow.gateway.rest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.gateway.service.BatchGraphs;
import dev.gradflow.gateway.service.IdempotencyConflictException;
import dev.gradflow.gateway.service.PublishException;
import dev.gradflow.gateway.service.JobEndedException;
import dev.gradflow.gateway.service.UnknownJobException;
import dev.gradflow.gateway.service.UnknownNetworkException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every rejection becomes an {@link ErrorResponse} naming the field and the problem. */
public class ErrorMapper {
    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    @ServerExceptionMapper
    public Response invalid(DefinitionException e) {
        return respond(Response.Status.BAD_REQUEST, e.field(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response malformed(JsonProcessingException e) {
        if (e instanceof MismatchedInputException && e.getMessage().startsWith("No content to map")) {
            return respond(Response.Status.BAD_REQUEST, "$", "$: the body is empty; expected a JSON object");
        }
        JsonLocation location = e.getLocation();
        String where = location == null ? "" : " at line " + location.getLineNr() + ", column "
                + location.getColumnNr();
        return respond(Response.Status.BAD_REQUEST, "$", "$: malformed JSON" + where + ": " + e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response empty(RequestBodies.MalformedBodyException e) {
        return respond(Response.Status.BAD_REQUEST, "$", "$: " + e.getMessage());
    }

    @ServerExceptionMapper
    public Response tooLarge(RequestBodies.BodyTooLargeException e) {
        return respond(Response.Status.REQUEST_ENTITY_TOO_LARGE, "$", "$: " + e.getMessage());
    }

    @ServerExceptionMapper
    public Response conflict(IdempotencyConflictException e) {
        return respond(Response.Status.CONFLICT, null, e.getMessage());
    }

    @ServerExceptionMapper
    public Response unknownNetwork(UnknownNetworkException e) {
        return respond(Response.Status.NOT_FOUND, null, e.getMessage());
    }

    @ServerExceptionMapper
    public Response unknownJob(UnknownJobException e) {
        return respond(Response.Status.NOT_FOUND, null, e.getMessage());
    }

    @ServerExceptionMapper
    public Response jobEnded(JobEndedException e) {
        return respond(Response.Status.CONFLICT, null, e.getMessage());
    }

    @ServerExceptionMapper
    public Response unknownGroup(BatchGraphs.UnknownGroupException e) {
        return respond(Response.Status.BAD_REQUEST, "expand", e.getMessage());
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return respond(Response.Status.NOT_FOUND, null, e.getMessage());
    }

    /** What the framework rejects before a resource runs: an empty body (400), a wrong media type (415)... */
    @ServerExceptionMapper
    public Response framework(WebApplicationException e) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        if (status.getStatusCode() == Response.Status.BAD_REQUEST.getStatusCode()) {
            return respond(Response.Status.BAD_REQUEST, "$", "$: the body is empty or unreadable; expected a JSON"
                    + " object");
        }
        if (status.getStatusCode() == Response.Status.UNSUPPORTED_MEDIA_TYPE.getStatusCode()) {
            return respond(Response.Status.UNSUPPORTED_MEDIA_TYPE, null,
                    "the body must be JSON (Content-Type: application/json)");
        }
        String message = e.getMessage() == null || e.getMessage().isBlank() ? status.getReasonPhrase()
                : e.getMessage();
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(new ErrorResponse(status.getStatusCode(), null, message)).build();
    }

    @ServerExceptionMapper
    public Response unavailable(PublishException e) {
        LOG.warn(e.getMessage(), e);
        return respond(Response.Status.SERVICE_UNAVAILABLE, null, e.getMessage());
    }

    private static Response respond(Response.Status status, String field, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(new ErrorResponse(status.getStatusCode(), field, message)).build();
    }
}
