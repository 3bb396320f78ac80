/**
 * Pictures of chain-rule traces as SVG: {@link dev.gradflow.gateway.graph.TraceLayout} asks Eclipse ELK's layered
 * algorithm where each box, arrow and arrow label goes, and {@link dev.gradflow.gateway.graph.TraceSvg} draws that
 * layout. Plain functions of a {@link dev.gradflow.core.trace.TracePicture}, with no Quarkus in them.
 */
package dev.gradflow.gateway.graph;
