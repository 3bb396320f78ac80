/**
 * Network definitions and their compilation into an executable graph.
 *
 * <p>A definition is data, never code. It arrives as a JSON tree (maps, lists, strings, numbers, booleans, nulls:
 * what any JSON parser produces), and {@link dev.gradflow.core.graph.DefinitionParser} turns it into a
 * {@link dev.gradflow.core.graph.NetworkDefinition}: either a general {@link dev.gradflow.core.graph.GraphDefinition}
 * of named nodes, or a {@link dev.gradflow.core.graph.LayerDefinition} (Dense layers then a loss) which
 * {@link dev.gradflow.core.graph.GraphCompiler} lowers to a graph. Every error is a
 * {@link dev.gradflow.core.graph.DefinitionException} naming the field (such as {@code nodes[2].inputs[0]}) and the
 * problem.
 */
package dev.gradflow.core.graph;
