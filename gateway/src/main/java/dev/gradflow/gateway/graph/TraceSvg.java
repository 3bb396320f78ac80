package dev.gradflow.gateway.graph;

import dev.gradflow.core.trace.TracePicture;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link TracePicture} as a standalone SVG 1.1 document, laid out by ELK ({@link TraceLayout}): the same picture
 * that {@link dev.gradflow.core.trace.ChainRuleDot} hands to Graphviz, drawn without Graphviz.
 *
 * <p>What other code may rely on:
 * <ul>
 *   <li>each box is one {@code <g class="box <role>[ output][ failed]" id="<box id>" data-name="<title>">} holding
 *       a {@code <rect>} in absolute coordinates and one {@code <text>} per line: the title, the subtitle, each of
 *       the box's lines, then {@code failed: <why>} for a failed box;</li>
 *   <li>each arrow is one {@code <g class="arrow" id="<arrow id>" data-from="<box id>" data-to="<box id>">}
 *       holding a {@code <path>} and one {@code <text>} per line of the arrow;</li>
 *   <li>the only other ids are {@link #ARROWHEAD_ID} and {@link #LAYER_STACK_ID}, which no picture id can equal
 *       (boxes are {@code n<k>} or {@code layer-<group>}, arrows {@code e<k>});</li>
 *   <li>the same picture gives the same bytes.</li>
 * </ul>
 *
 * <p>Text is measured without fonts, which a headless server may not have: a monospace font and a fixed advance per
 * character (code point, as ∂, ∇ and ᵀ are one character but not one {@code char}) tell ELK how large each box and
 * label is.
 *
 * <p>Safe to call from several threads at once: each call lays out a graph of its own, and ELK hands out its
 * algorithm instances under a lock. The first call in a JVM takes a second or two more, as ELK loads its classes and
 * registers its options.
 */
public final class TraceSvg {
    /** The id of the arrowhead marker that every arrow's path ends with. */
    public static final String ARROWHEAD_ID = "gradflow-arrowhead";
    /** The id of the filter that draws a layer's box as a stack of sheets: several nodes in one box. */
    public static final String LAYER_STACK_ID = "gradflow-layer-stack";
    /** The class of the root element, which scopes the style sheet when the SVG is inlined in a page. */
    public static final String ROOT_CLASS = "gradflow-trace";

    private static final String FONT_FAMILY = "ui-monospace, DejaVu Sans Mono, monospace";
    /** A monospace glyph is 0.6 em wide in DejaVu Sans Mono, Menlo, Consolas and SF Mono alike. */
    private static final double ADVANCE = 0.6;
    /** Where the baseline sits below the top of a line's em box, so digits look centred in it. */
    private static final double ASCENT = 0.78;
    private static final double LINE_SPACING = 1.35;
    private static final double TITLE_SIZE = 13;
    private static final double BOX_TEXT_SIZE = 12;
    private static final double LABEL_TEXT_SIZE = 11;
    private static final double BOX_PADDING_X = 10;
    private static final double BOX_PADDING_Y = 6;
    private static final double MIN_BOX_WIDTH = 48;
    private static final double LABEL_PADDING = 2;
    /** How far behind a layer's box its second sheet shows; ELK reserves the room for it. */
    private static final double STACK_OFFSET = 4;
    private static final double LEAF_CORNER = 12;
    private static final double OP_CORNER = 3;
    private static final double LAYER_CORNER = 6;

    private static final String STYLE = """
            .gradflow-trace { background: #ffffff; }
            .gradflow-trace text { font-family: ui-monospace, 'DejaVu Sans Mono', monospace; font-size: 12px;
              text-anchor: middle; white-space: pre; fill: #0f172a; }
            .gradflow-trace .box rect { stroke-width: 1.2px; }
            .gradflow-trace .box .title { font-size: 13px; font-weight: bold; }
            .gradflow-trace .box .subtitle { fill: #475569; }
            .gradflow-trace .input rect { fill: #dbeafe; stroke: #1d4ed8; }
            .gradflow-trace .target rect { fill: #fef3c7; stroke: #b45309; }
            .gradflow-trace .parameter rect { fill: #dcfce7; stroke: #15803d; }
            .gradflow-trace .constant rect { fill: #f1f5f9; stroke: #64748b; }
            .gradflow-trace .op rect { fill: #ffffff; stroke: #334155; }
            .gradflow-trace .layer rect { fill: #ede9fe; stroke: #6d28d9; }
            .gradflow-trace .output rect { stroke-width: 3px; }
            .gradflow-trace .failed rect { stroke: #dc2626; stroke-width: 2.5px; }
            .gradflow-trace .failed.output rect { stroke-width: 3px; }
            .gradflow-trace .box .failure { fill: #dc2626; font-weight: bold; }
            .gradflow-trace .arrow path { fill: none; stroke: #64748b; stroke-width: 1.3px; }
            .gradflow-trace .arrow text { font-size: 11px; fill: #1e3a8a; }
            """;

    private TraceSvg() {
    }

    /** One line of text as drawn: its CSS class (or null), size and the height it takes. */
    private record Line(String text, String cssClass, double fontSize) {
        double width() {
            return text.codePointCount(0, text.length()) * ADVANCE * fontSize;
        }

        double height() {
            return fontSize * LINE_SPACING;
        }
    }

    /** The picture, laid out and drawn. */
    public static String render(TracePicture picture) {
        StringBuilder svg = new StringBuilder();
        if (picture.boxes().isEmpty()) {
            return empty(svg);
        }
        TraceLayout.Placed placed = layout(picture);
        open(svg, Math.ceil(placed.width()), Math.ceil(placed.height()), title(picture));
        svg.append("<g class=\"arrows\">\n");
        for (TracePicture.Arrow arrow : picture.arrows()) {
            drawArrow(svg, arrow, placed.arrows().get(arrow.id()));
        }
        svg.append("</g>\n<g class=\"boxes\">\n");
        for (TracePicture.Box box : picture.boxes()) {
            drawBox(svg, box, placed.boxes().get(box.id()));
        }
        return svg.append("</g>\n</svg>\n").toString();
    }

    /** Where ELK puts the picture's boxes and arrows, sized for the fonts this class draws with. */
    static TraceLayout.Placed layout(TracePicture picture) {
        return TraceLayout.place(picture, TraceSvg::boxSize, TraceSvg::labelSize);
    }

    private static String empty(StringBuilder svg) {
        double width = 200;
        double height = 48;
        open(svg, width, height, "Chain-rule trace");
        svg.append("<text class=\"empty\" x=\"").append(number(width / 2)).append("\" y=\"")
                .append(number(height / 2 + BOX_TEXT_SIZE * 0.35)).append("\">nothing to draw</text>\n");
        return svg.append("</svg>\n").toString();
    }

    private static String title(TracePicture picture) {
        return picture.boxes().stream().filter(TracePicture.Box::output).findFirst()
                .map(box -> "Chain-rule trace of " + box.title()).orElse("Chain-rule trace");
    }

    private static void open(StringBuilder svg, double width, double height, String title) {
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" class=\"").append(ROOT_CLASS)
                .append("\" width=\"").append(number(width)).append("\" height=\"").append(number(height))
                .append("\" viewBox=\"0 0 ").append(number(width)).append(' ').append(number(height))
                // Presentation attributes as well as the style sheet: a renderer without CSS still gets the font.
                .append("\" font-family=\"").append(escape(FONT_FAMILY)).append("\" font-size=\"")
                .append(number(BOX_TEXT_SIZE)).append("\" text-anchor=\"middle\">\n")
                .append("<title>").append(escape(title)).append("</title>\n")
                .append("<style type=\"text/css\">\n").append(STYLE).append("</style>\n")
                .append("<defs>\n")
                .append("<marker id=\"").append(ARROWHEAD_ID).append("\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\"")
                .append(" markerUnits=\"userSpaceOnUse\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto\">")
                .append("<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#64748b\"/></marker>\n")
                // A copy of the rect, shifted down and right, behind it.
                .append("<filter id=\"").append(LAYER_STACK_ID)
                .append("\" x=\"-0.1\" y=\"-0.1\" width=\"1.3\" height=\"1.4\">")
                .append("<feOffset in=\"SourceGraphic\" dx=\"").append(number(STACK_OFFSET)).append("\" dy=\"")
                .append(number(STACK_OFFSET)).append("\" result=\"sheet\"/>")
                .append("<feMerge><feMergeNode in=\"sheet\"/><feMergeNode in=\"SourceGraphic\"/></feMerge>")
                .append("</filter>\n")
                .append("</defs>\n");
    }

    private static List<Line> boxLines(TracePicture.Box box) {
        List<Line> lines = new ArrayList<>();
        lines.add(new Line(box.title(), "title", TITLE_SIZE));
        lines.add(new Line(box.subtitle(), "subtitle", BOX_TEXT_SIZE));
        for (String line : box.lines()) {
            lines.add(new Line(line, null, BOX_TEXT_SIZE));
        }
        if (box.failure() != null) {
            lines.add(new Line("failed: " + box.failure(), "failure", BOX_TEXT_SIZE));
        }
        return lines;
    }

    private static List<Line> arrowLines(TracePicture.Arrow arrow) {
        return arrow.lines().stream().map(line -> new Line(line, null, LABEL_TEXT_SIZE)).toList();
    }

    private static TraceLayout.Size boxSize(TracePicture.Box box) {
        TraceLayout.Size text = textSize(boxLines(box));
        double stack = box.role() == TracePicture.Role.LAYER ? STACK_OFFSET : 0;
        return new TraceLayout.Size(Math.max(MIN_BOX_WIDTH, text.width() + 2 * BOX_PADDING_X) + stack,
                text.height() + 2 * BOX_PADDING_Y + stack);
    }

    private static TraceLayout.Size labelSize(TracePicture.Arrow arrow) {
        if (arrow.lines().isEmpty()) {
            return null;
        }
        TraceLayout.Size text = textSize(arrowLines(arrow));
        return new TraceLayout.Size(text.width() + 2 * LABEL_PADDING, text.height() + 2 * LABEL_PADDING);
    }

    private static TraceLayout.Size textSize(List<Line> lines) {
        double width = 0;
        double height = 0;
        for (Line line : lines) {
            width = Math.max(width, line.width());
            height += line.height();
        }
        return new TraceLayout.Size(width, height);
    }

    private static void drawBox(StringBuilder svg, TracePicture.Box box, TraceLayout.Rect node) {
        boolean layer = box.role() == TracePicture.Role.LAYER;
        // The layer's second sheet is drawn by the filter in the room ELK left for it below and to the right.
        double stack = layer ? STACK_OFFSET : 0;
        TraceLayout.Rect rect = new TraceLayout.Rect(node.x(), node.y(), node.width() - stack, node.height() - stack);
        double corner = switch (box.role()) {
            case OP -> OP_CORNER;
            case LAYER -> LAYER_CORNER;
            default -> LEAF_CORNER;
        };
        svg.append("<g class=\"box ").append(box.role().label()).append(box.output() ? " output" : "")
                .append(box.failure() != null ? " failed" : "").append("\" id=\"").append(escape(box.id()))
                .append("\" data-name=\"").append(escape(box.title())).append("\">\n");
        svg.append("<rect x=\"").append(number(rect.x())).append("\" y=\"").append(number(rect.y()))
                .append("\" width=\"").append(number(rect.width())).append("\" height=\"")
                .append(number(rect.height())).append("\" rx=\"").append(number(corner)).append('"')
                .append(layer ? " filter=\"url(#" + LAYER_STACK_ID + ")\"" : "").append("/>\n");
        drawLines(svg, boxLines(box), rect.x() + rect.width() / 2, rect.y() + BOX_PADDING_Y);
        svg.append("</g>\n");
    }

    private static void drawArrow(StringBuilder svg, TracePicture.Arrow arrow, TraceLayout.Route route) {
        svg.append("<g class=\"arrow\" id=\"").append(escape(arrow.id())).append("\" data-from=\"")
                .append(escape(arrow.from())).append("\" data-to=\"").append(escape(arrow.to())).append("\">\n");
        StringBuilder path = new StringBuilder();
        for (TraceLayout.Point point : route.points()) {
            path.append(path.isEmpty() ? "M" : " L").append(number(point.x())).append(',')
                    .append(number(point.y()));
        }
        svg.append("<path d=\"").append(path).append("\" marker-end=\"url(#").append(ARROWHEAD_ID)
                .append(")\"/>\n");
        if (route.label() != null) {
            TraceLayout.Rect label = route.label();
            drawLines(svg, arrowLines(arrow), label.x() + label.width() / 2, label.y() + LABEL_PADDING);
        }
        svg.append("</g>\n");
    }

    /** Lines centred on {@code centerX}, the first one's em box starting at {@code top}. */
    private static void drawLines(StringBuilder svg, List<Line> lines, double centerX, double top) {
        double lineTop = top;
        for (Line line : lines) {
            double baseline = lineTop + (line.height() - line.fontSize()) / 2 + ASCENT * line.fontSize();
            svg.append("<text");
            if (line.cssClass() != null) {
                svg.append(" class=\"").append(line.cssClass()).append('"');
            }
            svg.append(" x=\"").append(number(centerX)).append("\" y=\"").append(number(baseline)).append("\">")
                    .append(escape(line.text())).append("</text>\n");
            lineTop += line.height();
        }
    }

    /** A coordinate to the hundredth, without trailing zeros: short, and the same on every machine. */
    static String number(double value) {
        long hundredths = Math.round(value * 100);
        return BigDecimal.valueOf(hundredths, 2).stripTrailingZeros().toPlainString();
    }

    /**
     * Text safe in XML content and in double- or single-quoted attributes. Characters XML 1.0 cannot hold at all
     * (control characters, lone surrogates) become U+FFFD rather than making the document unreadable.
     */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        text.codePoints().forEach(codePoint -> {
            switch (codePoint) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&apos;");
                default -> escaped.appendCodePoint(allowedInXml(codePoint) ? codePoint : 0xFFFD);
            }
        });
        return escaped.toString();
    }

    private static boolean allowedInXml(int codePoint) {
        return codePoint == 0x9 || codePoint == 0xA || codePoint == 0xD
                || codePoint >= 0x20 && codePoint <= 0xD7FF
                || codePoint >= 0xE000 && codePoint <= 0xFFFD
                || codePoint >= 0x10000 && codePoint <= 0x10FFFF;
    }
}
