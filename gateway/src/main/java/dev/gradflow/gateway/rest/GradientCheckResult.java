package dev.gradflow.gateway.rest;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.gradflow.core.check.GradientCheck;
import java.util.Map;

/**
 * The answer to a gradient check: whether the worst relative error is within the tolerance of the network's
 * dtype, and per parameter and input the worst element with both values.
 */
@JsonPropertyOrder({"networkId", "dtype", "passed", "tolerance", "worstRelativeError", "parameters", "inputs"})
public record GradientCheckResult(String networkId, String dtype, boolean passed, double tolerance,
        double worstRelativeError, Map<String, GradientCheck.TensorReport> parameters,
        Map<String, GradientCheck.TensorReport> inputs) {

    static GradientCheckResult of(String networkId, GradientCheck.Report report) {
        return new GradientCheckResult(networkId, report.dtype().label(), report.passed(), report.tolerance(),
                report.worstRelativeError(), report.parameters(), report.inputs());
    }
}
