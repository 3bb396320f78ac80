package dev.gradflow.gateway.rest;

import dev.gradflow.core.data.LabelledData;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.gateway.config.GatewayConfig;
import dev.gradflow.gateway.service.DatasetStore;
import dev.gradflow.gateway.service.DatasetUploads;
import dev.gradflow.gateway.tenant.CurrentCaller;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Datasets for jobs: uploaded once, named by id in any number of jobs. */
@Path("/datasets")
@Tag(name = "datasets")
@Produces(MediaType.APPLICATION_JSON)
public class DatasetResource {

    @Inject
    DatasetUploads uploads;

    @Inject
    DatasetStore datasets;

    @Inject
    GatewayConfig config;

    @Inject
    CurrentCaller caller;

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Upload a dataset as NumPy .npy files",
            description = "Parts x (the inputs, [N, features]) and y (class ids [N], or target rows [N, k]), each a"
                    + " .npy file as numpy.save writes it; optional part dtype (float32 or float64; default: x's)")
    @APIResponse(responseCode = "201", description = "Stored; the body holds the dataset id and its shapes")
    @APIResponse(responseCode = "400", description = "A file that is not a readable .npy, or shapes that do not"
            + " fit; names the part and the reason")
    public Response uploadNpy(@RestForm("x") FileUpload x, @RestForm("y") FileUpload y,
            @RestForm("dtype") String dtype) throws IOException {
        String datasetId = uploads.uploadNpy(bytes(x), bytes(y), dtype, caller.get());
        return created(datasetId);
    }

    @POST
    @Consumes("text/csv")
    @Operation(summary = "Upload a dataset as CSV",
            description = "Numbers, with or without a header; the query parameter targets names the target columns"
                    + " (header names or 0-based indices, comma-separated), every other column is an input; dtype"
                    + " float32 or float64 (the default)")
    @APIResponse(responseCode = "201", description = "Stored; the body holds the dataset id and its shapes")
    @APIResponse(responseCode = "400", description = "A malformed file; names the line and column")
    public Response uploadCsv(byte[] csv, @QueryParam("targets") String targets, @QueryParam("dtype") String dtype) {
        if (csv.length > config.maxBodyBytes()) {
            throw new RequestBodies.BodyTooLargeException(csv.length, config.maxBodyBytes());
        }
        return created(uploads.uploadCsv(csv, targets, dtype, caller.get()));
    }

    @GET
    @Path("/{datasetId}")
    @Operation(summary = "An uploaded dataset's shapes and dtype")
    @APIResponse(responseCode = "404", description = "No such dataset")
    public Map<String, Object> describe(@PathParam("datasetId") String datasetId) {
        return summary(datasetId, datasets.find(datasetId, caller.get()).orElseThrow(() ->
                new NotFoundException("no dataset with id " + datasetId)));
    }

    private Response created(String datasetId) {
        return Response.created(URI.create("/datasets/" + datasetId))
                .entity(summary(datasetId, datasets.find(datasetId, caller.get()).orElseThrow())).build();
    }

    private static Map<String, Object> summary(String datasetId, LabelledData rows) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("datasetId", datasetId);
        summary.put("rows", rows.samples());
        summary.put("inputs", Shapes.format(rows.inputs().shape()));
        summary.put("targets", Shapes.format(rows.targets().shape()));
        summary.put("dtype", rows.dtype().label());
        return summary;
    }

    private static byte[] bytes(FileUpload upload) throws IOException {
        return upload == null ? null : Files.readAllBytes(upload.uploadedFile());
    }
}
