package dev.gradflow.benchmarks.pipeline;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Submits the case's batch through the gateway, {@code POST /networks/{id}/batches}, as a REST client would, and
 * waits for the answer on {@code gradients} (the gateway serves the same answer at {@code GET /batches/{id}}).
 */
final class RestSubmitter implements Load.Submitter {
    private static final Pattern BATCH_ID = Pattern.compile("\"batchId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern NETWORK_ID = Pattern.compile("\"networkId\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient http;
    private final Answers answers;
    private final URI batches;
    private final byte[] batchJson;

    RestSubmitter(HttpClient http, Answers answers, URI gateway, String networkId, byte[] batchJson) {
        this.http = http;
        this.answers = answers;
        this.batches = gateway.resolve("/networks/" + networkId + "/batches");
        this.batchJson = batchJson;
    }

    /** {@code POST /networks}; returns the network id the gateway chose. */
    static String register(HttpClient http, URI gateway, byte[] definitionJson) throws IOException,
            InterruptedException {
        return field(NETWORK_ID, post(http, gateway.resolve("/networks"), definitionJson, 201));
    }

    @Override
    public CompletableFuture<Answers.Answer> submit() throws IOException, InterruptedException {
        return answers.await(field(BATCH_ID, post(http, batches, batchJson, 202)));
    }

    /**
     * Submits one batch, waits for its answer, and returns what the gateway then serves at {@code GET /batches/{id}}:
     * the check that the answers counted are the right ones.
     */
    String oneResult(URI gateway) throws Exception {
        String batchId = field(BATCH_ID, post(http, batches, batchJson, 202));
        answers.await(batchId).get(Load.STALL.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        String body = "";
        // The gateway reads gradients on its own; give it a moment to catch up with this driver.
        for (int attempt = 0; attempt < 100; attempt++) {
            body = http.send(HttpRequest.newBuilder(gateway.resolve("/batches/" + batchId)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (!body.contains("\"pending\"")) {
                break;
            }
            Thread.sleep(100);
        }
        return body;
    }

    static String post(HttpClient http, URI url, byte[] json, int expectedStatus) throws IOException,
            InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(json))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException("POST " + url + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body();
    }

    private static String field(Pattern pattern, String json) {
        Matcher matcher = pattern.matcher(json);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + pattern + " in " + json);
        }
        return matcher.group(1);
    }
}
