package dev.gradflow.jobs.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradflow.core.graph.NestedArrays;
import dev.gradflow.core.job.JobRun;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.train.TrainingResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The records of topic {@code job-progress}: a job's progress as JSON, and at its end its result or failure. The
 * latest record of a job is its whole story (the topic is compacted), so each record repeats everything.
 */
final class JobProgressJson {
    private final ObjectMapper json;

    JobProgressJson(ObjectMapper json) {
        this.json = json;
    }

    /**
     * @param run the job
     * @param mode {@code gradient} or {@code train}
     * @param since when this instance took the job over, and the samples done then: the rate is measured from there
     */
    byte[] progress(JobRun run, String mode, Instant since, long samplesSince, Instant now) {
        ObjectNode node = json.createObjectNode();
        node.put("jobId", run.jobId());
        node.put("status", run.status().label());
        node.put("mode", mode);
        node.put("epoch", Math.min(run.epoch(), run.epochs() - 1));
        node.put("epochs", run.epochs());
        node.put("step", run.stepsDone());
        node.put("steps", run.stepsTotal());
        node.put("samples", run.samplesDone());
        node.put("samplesTotal", run.samplesTotal());
        putOptional(node, "loss", run.loss());
        putOptional(node, "accuracy", run.accuracy());
        double seconds = Duration.between(since, now).toNanos() / 1e9;
        long samples = run.samplesDone() - samplesSince;
        if (seconds > 0 && samples > 0) {
            double rate = samples / seconds;
            node.put("samplesPerSecond", rate);
            if (run.status() == JobRun.Status.RUNNING) {
                node.put("secondsLeft", (run.samplesTotal() - run.samplesDone()) / rate);
            }
        }
        if (run.isTraining()) {
            node.set("history", history(run));
        }
        if (run.status() == JobRun.Status.FAILED) {
            node.put("error", run.failure());
        }
        if (run.status() == JobRun.Status.DONE) {
            node.set("result", result(run));
        }
        node.put("updatedAt", now.toString());
        return bytes(node);
    }

    /** A job that never started: its request was refused. */
    byte[] refused(String jobId, String error, Instant now) {
        ObjectNode node = json.createObjectNode();
        node.put("jobId", jobId);
        node.put("status", JobRun.Status.FAILED.label());
        node.put("error", error);
        node.put("updatedAt", now.toString());
        return bytes(node);
    }

    private ObjectNode result(JobRun run) {
        ObjectNode result = json.createObjectNode();
        if (run.isTraining()) {
            // The trained network as a definition, ready for POST /networks: the request's own definition with the
            // parameters replaced.
            result.set("network", json.valueToTree(run.setup().networkWith(run.parameters())));
            result.set("epochs", history(run));
            result.put("iterations", run.optimizerState().iterations());
            return result;
        }
        putOptional(result, "output", run.loss());
        putOptional(result, "accuracy", run.accuracy());
        ObjectNode gradients = result.putObject("parameterGradients");
        for (Map.Entry<String, Tensor> entry : run.meanGradients().entrySet()) {
            gradients.set(entry.getKey(), json.valueToTree(NestedArrays.toNested(entry.getValue())));
        }
        return result;
    }

    private ArrayNode history(JobRun run) {
        ArrayNode history = json.createArrayNode();
        for (TrainingResult.Epoch epoch : run.history()) {
            ObjectNode entry = history.addObject();
            entry.put("epoch", epoch.epoch());
            entry.put("loss", epoch.meanLoss());
            putOptional(entry, "accuracy", epoch.accuracy());
            entry.put("steps", epoch.steps());
        }
        return history;
    }

    private static void putOptional(ObjectNode node, String field, OptionalDouble value) {
        if (value.isPresent() && Double.isFinite(value.getAsDouble())) {
            node.put(field, value.getAsDouble());
        }
    }

    private byte[] bytes(ObjectNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a progress record could not be written", e);
        }
    }
}
