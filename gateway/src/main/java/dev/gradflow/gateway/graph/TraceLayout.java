package dev.gradflow.gateway.graph;

import dev.gradflow.core.trace.TracePicture;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.eclipse.elk.alg.layered.options.CenterEdgeLabelPlacementStrategy;
import org.eclipse.elk.alg.layered.options.LayeredMetaDataProvider;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.alg.layered.options.OrderingStrategy;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.data.LayoutMetaDataService;
import org.eclipse.elk.core.math.ElkPadding;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeLabelPlacement;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkLabel;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

/**
 * Where each box, arrow and arrow label of a {@link TracePicture} goes, as Eclipse ELK's layered (Sugiyama)
 * algorithm decides: values flow left to right, one layer per step of the computation, orthogonal arrows, and each
 * arrow's label a shape of its own that ELK keeps clear of the boxes and of other labels.
 *
 * <p>The caller decides how large each box and label is (it knows the fonts); this class knows nothing of SVG. All
 * coordinates are absolute, with the origin at the top left of the whole drawing.
 */
final class TraceLayout {
    /** Room around the drawing, so thick borders and the layer boxes' stacked sheet are not cut off. */
    private static final double MARGIN = 16;
    /** Between boxes in the same layer (vertically, as values flow to the right). */
    private static final double BOX_GAP = 24;
    /** Between layers: room for the arrows' bends. */
    private static final double LAYER_GAP = 40;
    private static final double ARROW_GAP = 12;
    private static final double ARROW_TO_BOX_GAP = 16;
    /** Between an arrow and its label. */
    private static final double LABEL_TO_ARROW_GAP = 4;

    static {
        // ELK finds its algorithms through META-INF/services; a jar that lost those files (a careless uber-jar
        // merge) would otherwise fail every layout with "algorithm not found".
        LayoutMetaDataService service = LayoutMetaDataService.getInstance();
        if (service.getAlgorithmData(LayeredOptions.ALGORITHM_ID) == null) {
            service.registerLayoutMetaDataProviders(new LayeredMetaDataProvider());
        }
    }

    private TraceLayout() {
    }

    record Size(double width, double height) {
    }

    record Point(double x, double y) {
    }

    record Rect(double x, double y, double width, double height) {
    }

    /**
     * One arrow as laid out.
     *
     * @param points from the edge of the source box to the edge of the target box, bends in between
     * @param label where the arrow's lines go, or null for an arrow without text
     */
    record Route(List<Point> points, Rect label) {
        Route {
            points = List.copyOf(points);
        }
    }

    /**
     * A laid-out picture.
     *
     * @param boxes each box's node, by box id, in the picture's order
     * @param arrows each arrow's route, by arrow id, in the picture's order
     */
    record Placed(double width, double height, Map<String, Rect> boxes, Map<String, Route> arrows) {
    }

    /**
     * Lays out a picture.
     *
     * @param boxSize how large each box is drawn
     * @param labelSize how large each arrow's text is, or null for none
     * @throws IllegalArgumentException when two boxes or arrows share an id, or an arrow names a box not in the
     *     picture
     */
    static Placed place(TracePicture picture, Function<TracePicture.Box, Size> boxSize,
            Function<TracePicture.Arrow, Size> labelSize) {
        ElkNode root = ElkGraphUtil.createGraph();
        configure(root);
        Set<String> ids = new HashSet<>();
        Map<String, ElkNode> nodes = new LinkedHashMap<>();
        for (TracePicture.Box box : picture.boxes()) {
            requireNew(ids, box.id());
            ElkNode node = ElkGraphUtil.createNode(root);
            node.setIdentifier(box.id());
            Size size = boxSize.apply(box);
            node.setDimensions(size.width(), size.height());
            nodes.put(box.id(), node);
        }
        Map<String, ElkEdge> edges = new LinkedHashMap<>();
        for (TracePicture.Arrow arrow : picture.arrows()) {
            requireNew(ids, arrow.id());
            ElkEdge edge = ElkGraphUtil.createSimpleEdge(node(nodes, arrow, arrow.from()), node(nodes, arrow,
                    arrow.to()));
            edge.setIdentifier(arrow.id());
            Size size = labelSize.apply(arrow);
            if (size != null) {
                ElkLabel label = ElkGraphUtil.createLabel(String.join("\n", arrow.lines()), edge);
                label.setDimensions(size.width(), size.height());
                label.setProperty(CoreOptions.EDGE_LABELS_PLACEMENT, EdgeLabelPlacement.CENTER);
            }
            edges.put(arrow.id(), edge);
        }

        new RecursiveGraphLayoutEngine().layout(root, new BasicProgressMonitor());

        // The graph is flat, so every node, bend point and edge label is relative to the root: already absolute.
        Map<String, Rect> boxes = new LinkedHashMap<>();
        nodes.forEach((id, node) -> boxes.put(id,
                new Rect(node.getX(), node.getY(), node.getWidth(), node.getHeight())));
        Map<String, Route> arrows = new LinkedHashMap<>();
        edges.forEach((id, edge) -> arrows.put(id, route(edge)));
        return new Placed(root.getWidth(), root.getHeight(), boxes, arrows);
    }

    private static void configure(ElkNode root) {
        root.setProperty(CoreOptions.ALGORITHM, LayeredOptions.ALGORITHM_ID);
        root.setProperty(CoreOptions.DIRECTION, Direction.RIGHT);
        root.setProperty(CoreOptions.PADDING, new ElkPadding(MARGIN));
        // Orthogonal rather than splines: the labels sit on straight runs and read like a table of the chain rule.
        root.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.ORTHOGONAL);
        // The trace's order (inputs first, nodes as the network defines them) breaks ties, so a picture looks like
        // its definition and a small change to the network moves little.
        root.setProperty(LayeredOptions.CONSIDER_MODEL_ORDER_STRATEGY, OrderingStrategy.NODES_AND_EDGES);
        // A label gets a layer of its own halfway along its arrow, so it never overlaps a box.
        root.setProperty(LayeredOptions.EDGE_LABELS_CENTER_LABEL_PLACEMENT_STRATEGY,
                CenterEdgeLabelPlacementStrategy.MEDIAN_LAYER);
        root.setProperty(LayeredOptions.SPACING_EDGE_LABEL, LABEL_TO_ARROW_GAP);
        root.setProperty(LayeredOptions.SPACING_NODE_NODE, BOX_GAP);
        root.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, LAYER_GAP);
        root.setProperty(LayeredOptions.SPACING_EDGE_EDGE, ARROW_GAP);
        root.setProperty(LayeredOptions.SPACING_EDGE_EDGE_BETWEEN_LAYERS, ARROW_GAP);
        root.setProperty(LayeredOptions.SPACING_EDGE_NODE, ARROW_TO_BOX_GAP);
        root.setProperty(LayeredOptions.SPACING_EDGE_NODE_BETWEEN_LAYERS, ARROW_TO_BOX_GAP);
        // ELK's default, written down: the same picture must give the same drawing.
        root.setProperty(LayeredOptions.RANDOM_SEED, 1);
    }

    private static void requireNew(Set<String> ids, String id) {
        if (!ids.add(id)) {
            throw new IllegalArgumentException("two boxes or arrows with id \"" + id + "\"");
        }
    }

    private static ElkNode node(Map<String, ElkNode> nodes, TracePicture.Arrow arrow, String box) {
        ElkNode node = nodes.get(box);
        if (node == null) {
            throw new IllegalArgumentException("arrow \"" + arrow.id() + "\" names no box \"" + box + "\"");
        }
        return node;
    }

    private static Route route(ElkEdge edge) {
        // A simple edge has one section; a list of them is what ELK's API gives, so take them in order.
        List<Point> points = new ArrayList<>();
        for (ElkEdgeSection section : edge.getSections()) {
            points.add(new Point(section.getStartX(), section.getStartY()));
            for (ElkBendPoint bend : section.getBendPoints()) {
                points.add(new Point(bend.getX(), bend.getY()));
            }
            points.add(new Point(section.getEndX(), section.getEndY()));
        }
        Rect label = null;
        if (!edge.getLabels().isEmpty()) {
            ElkLabel placed = edge.getLabels().get(0);
            label = new Rect(placed.getX(), placed.getY(), placed.getWidth(), placed.getHeight());
        }
        return new Route(points, label);
    }
}
