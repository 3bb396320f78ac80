/**
 * Gradient checking: the engine's analytic gradients against central finite differences computed in float64, for
 * any definition and batch. Users run it through the core ({@link dev.gradflow.core.check.GradientCheck}) or the
 * gateway's REST API.
 */
package dev.gradflow.core.check;
