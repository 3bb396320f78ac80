package dev.gradflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A small client of the gateway's REST API, as a user would drive it. */
final class Gateway {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;

    Gateway(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** POST /networks; returns the network id. */
    String register(String definitionJson) throws IOException, InterruptedException {
        JsonNode body = post("/networks", definitionJson, 201);
        return body.get("networkId").asText();
    }

    /** POST /networks/{id}/batches; returns the batch id. */
    String submit(String networkId, String batchJson) throws IOException, InterruptedException {
        JsonNode body = post("/networks/" + networkId + "/batches", batchJson, 202);
        assertThat(body.get("status").asText()).isEqualTo("pending");
        return body.get("batchId").asText();
    }

    /** Polls GET /batches/{id} until it is no longer pending. */
    JsonNode awaitResult(String batchId, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/batches/"
                    + batchId)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).as("GET /batches/%s", batchId).isEqualTo(200);
            JsonNode body = JSON.readTree(response.body());
            if (!body.get("status").asText().equals("pending")) {
                return body;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("batch " + batchId + " still pending after " + timeout);
            }
            Thread.sleep(50);
        }
    }

    /** POST /jobs; returns the job id. */
    String submitJob(String jobJson) throws IOException, InterruptedException {
        JsonNode body = post("/jobs", jobJson, 201);
        assertThat(body.get("status").asText()).isEqualTo("queued");
        return body.get("jobId").asText();
    }

    /** Polls GET /jobs/{id} until the job ended (done, failed or cancelled); returns its last status. */
    JsonNode awaitJob(String jobId, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            Response response = request("GET", "/jobs/" + jobId, null);
            assertThat(response.status()).as("GET /jobs/%s: %s", jobId, response.body()).isEqualTo(200);
            String status = response.json().get("status").asText();
            if (List.of("done", "failed", "cancelled").contains(status)) {
                return response.json();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("job " + jobId + " still " + status + " after " + timeout + ": "
                        + response.body());
            }
            Thread.sleep(100);
        }
    }

    /** An HTTP answer: its status and body. */
    record Response(int status, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    /** Any request; the body is JSON, or null for none. */
    Response request(String method, String path, String json) throws IOException, InterruptedException {
        return request(method, path, json, "application/json");
    }

    /** Any request with a body of the given media type, or null for none. */
    Response request(String method, String path, String body, String mediaType)
            throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path));
        if (body != null) {
            builder.header("Content-Type", mediaType).method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }

    /** A GET asking for a media type. */
    Response get(String path, String accept) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Accept", accept).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }

    private JsonNode post(String path, String json, int expectedStatus) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("POST %s: %s", path, response.body()).isEqualTo(expectedStatus);
        return JSON.readTree(response.body());
    }
}
