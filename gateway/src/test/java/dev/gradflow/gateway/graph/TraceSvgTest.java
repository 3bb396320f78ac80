package dev.gradflow.gateway.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.Feeds;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.trace.ChainRuleTrace;
import dev.gradflow.core.trace.TracePicture;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The SVG drawing of real traces (the chapter's examples and the MLP) and of hand-made pictures: well-formed, one
 * element per box and arrow with the picture's ids, the chain rule's numbers on the arrows, no box on another, and
 * the same bytes every time.
 */
class TraceSvgTest {
    private static final String SVG_NAMESPACE = "http://www.w3.org/2000/svg";
    private static final Path EXAMPLES = Path.of("..", "examples");

    private static CompiledGraph compile(String example) throws IOException {
        Object tree = new ObjectMapper().readValue(EXAMPLES.resolve(example + ".network.json").toFile(),
                Object.class);
        return GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT).parse(tree), Limits.DEFAULT);
    }

    private static ChainRuleTrace trace(CompiledGraph graph, Map<String, Tensor> feeds) {
        return ChainRuleTrace.of(ForwardPass.recordWithValues(graph, feeds, 0));
    }

    private static ChainRuleTrace chainRule() throws IOException {
        return trace(compile("chain-rule"), Map.of("x", Tensor.scalar(1)));
    }

    private static ChainRuleTrace polynomial() throws IOException {
        return trace(compile("polynomial"), Map.of("x", Tensor.scalar(1), "y", Tensor.scalar(2),
                "z", Tensor.scalar(3)));
    }

    private static ChainRuleTrace mlp() throws IOException {
        CompiledGraph graph = compile("mlp");
        Object batch = new ObjectMapper().readValue(EXAMPLES.resolve("mlp.batch.json").toFile(), Object.class);
        return trace(graph, Feeds.parse(batch, graph, Limits.DEFAULT));
    }

    /** The MLP with each layer of mlp.network.json one box: nodes named {@code <layer>.<part>}. */
    private static TracePicture mlpByLayer(ChainRuleTrace trace) throws IOException {
        Map<?, ?> network = new ObjectMapper().readValue(EXAMPLES.resolve("mlp.network.json").toFile(), Map.class);
        List<String> layers = ((List<?>) network.get("layers")).stream()
                .map(layer -> (String) ((Map<?, ?>) layer).get("name")).toList();
        Map<String, String> groups = new HashMap<>();
        for (ChainRuleTrace.Node node : trace.nodes()) {
            layers.stream().filter(layer -> node.name().startsWith(layer + ".")).findFirst()
                    .ifPresent(layer -> groups.put(node.name(), layer));
        }
        return TracePicture.of(trace, groups, Set.of());
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> select(Document document, String xpath) throws Exception {
        NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, document,
                XPathConstants.NODESET);
        List<Element> elements = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            elements.add((Element) nodes.item(i));
        }
        return elements;
    }

    /** The one element with this id. */
    private static Element byId(Document document, String id) throws Exception {
        List<Element> found = select(document, "//*[@id='" + id + "']");
        assertThat(found).as("elements with id %s", id).hasSize(1);
        return found.get(0);
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> children = new ArrayList<>();
        for (org.w3c.dom.Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && element.getLocalName().equals(tag)) {
                children.add(element);
            }
        }
        return children;
    }

    private static List<String> texts(Element parent) {
        return children(parent, "text").stream().map(Element::getTextContent).toList();
    }

    private static Set<String> classes(Element element) {
        return Set.of(element.getAttribute("class").split(" "));
    }

    private static TraceLayout.Rect rect(Element box) {
        Element rect = children(box, "rect").get(0);
        return new TraceLayout.Rect(Double.parseDouble(rect.getAttribute("x")),
                Double.parseDouble(rect.getAttribute("y")), Double.parseDouble(rect.getAttribute("width")),
                Double.parseDouble(rect.getAttribute("height")));
    }

    private static boolean overlap(TraceLayout.Rect a, TraceLayout.Rect b) {
        return a.x() < b.x() + b.width() && b.x() < a.x() + a.width() && a.y() < b.y() + b.height()
                && b.y() < a.y() + a.height();
    }

    /** Checks what every drawing must hold, and returns it parsed. */
    private static Document checkContract(TracePicture picture, String svg) throws Exception {
        Document document = parse(svg);
        Element root = document.getDocumentElement();
        assertThat(root.getNamespaceURI()).isEqualTo(SVG_NAMESPACE);
        assertThat(root.getLocalName()).isEqualTo("svg");
        assertThat(root.getAttribute("viewBox")).isNotEmpty();
        assertThat(select(document, "/*[local-name()='svg']/*[local-name()='title']")).hasSize(1);
        assertThat(select(document, "//*[local-name()='style']")).hasSize(1);

        List<String> ids = select(document, "//*[@id]").stream().map(element -> element.getAttribute("id"))
                .toList();
        List<String> expected = Stream.concat(
                Stream.concat(picture.boxes().stream().map(TracePicture.Box::id),
                        picture.arrows().stream().map(TracePicture.Arrow::id)),
                Stream.of(TraceSvg.ARROWHEAD_ID, TraceSvg.LAYER_STACK_ID)).toList();
        assertThat(ids).as("every box and arrow once, and only the two definitions besides")
                .containsExactlyInAnyOrderElementsOf(expected);

        for (TracePicture.Box box : picture.boxes()) {
            Element group = byId(document, box.id());
            assertThat(group.getLocalName()).isEqualTo("g");
            assertThat(classes(group)).contains("box", box.role().label());
            assertThat(classes(group).contains("output")).isEqualTo(box.output());
            assertThat(classes(group).contains("failed")).isEqualTo(box.failure() != null);
            assertThat(group.getAttribute("data-name")).isEqualTo(box.title());
            assertThat(children(group, "rect")).hasSize(1);
            List<String> lines = new ArrayList<>(List.of(box.title(), box.subtitle()));
            lines.addAll(box.lines());
            if (box.failure() != null) {
                lines.add("failed: " + box.failure());
            }
            assertThat(texts(group)).isEqualTo(lines);
        }
        for (TracePicture.Arrow arrow : picture.arrows()) {
            Element group = byId(document, arrow.id());
            assertThat(group.getLocalName()).isEqualTo("g");
            assertThat(group.getAttribute("class")).isEqualTo("arrow");
            assertThat(group.getAttribute("data-from")).isEqualTo(arrow.from());
            assertThat(group.getAttribute("data-to")).isEqualTo(arrow.to());
            assertThat(children(group, "path")).hasSize(1);
            assertThat(children(group, "path").get(0).getAttribute("marker-end"))
                    .isEqualTo("url(#" + TraceSvg.ARROWHEAD_ID + ")");
            assertThat(texts(group)).isEqualTo(arrow.lines());
        }

        List<TraceLayout.Rect> rects = new ArrayList<>();
        for (TracePicture.Box box : picture.boxes()) {
            rects.add(rect(byId(document, box.id())));
        }
        for (int i = 0; i < rects.size(); i++) {
            for (int j = i + 1; j < rects.size(); j++) {
                assertThat(overlap(rects.get(i), rects.get(j)))
                        .as("%s overlaps %s", picture.boxes().get(i).id(), picture.boxes().get(j).id()).isFalse();
            }
        }
        return document;
    }

    @Test
    void theChainRuleExampleShowsEveryFactorOnItsArrows() throws Exception {
        TracePicture picture = TracePicture.of(chainRule());

        String svg = TraceSvg.render(picture);

        checkContract(picture, svg);
        assertThat(svg).startsWith("<?xml").contains("∂ 80 × ↑ 3 = 240").contains("∂ 2 × ↑ 480 = 960")
                .contains("grad 960");
        assertThat(classes(byId(parse(svg), picture.boxes().stream().filter(TracePicture.Box::output)
                .findFirst().orElseThrow().id()))).contains("output");
    }

    @Test
    void aValueUsedSeveralTimesIsOneBoxWithAnArrowPerUse() throws Exception {
        TracePicture picture = TracePicture.of(polynomial());

        String svg = TraceSvg.render(picture);

        checkContract(picture, svg);
        assertThat(picture.arrows().stream().filter(arrow -> arrow.from().equals(picture.boxes().stream()
                .filter(box -> box.title().equals("z")).findFirst().orElseThrow().id()))).hasSize(3);
    }

    @Test
    void arrowLabelsKeepClearOfTheBoxes() throws Exception {
        for (TracePicture picture : List.of(TracePicture.of(chainRule()), TracePicture.of(polynomial()),
                TracePicture.of(mlp()), mlpByLayer(mlp()))) {
            TraceLayout.Placed placed = TraceSvg.layout(picture);
            for (Map.Entry<String, TraceLayout.Route> arrow : placed.arrows().entrySet()) {
                TraceLayout.Rect label = arrow.getValue().label();
                assertThat(arrow.getValue().points()).hasSizeGreaterThanOrEqualTo(2);
                if (label == null) {
                    continue;
                }
                placed.boxes().forEach((box, rect) -> assertThat(overlap(label, rect))
                        .as("label of %s over box %s", arrow.getKey(), box).isFalse());
            }
        }
    }

    @Test
    void theMlpGroupedByLayerIsOneBoxPerLayer() throws Exception {
        ChainRuleTrace trace = mlp();
        TracePicture picture = mlpByLayer(trace);

        long started = System.nanoTime();
        String svg = TraceSvg.render(picture);
        long grouped = System.nanoTime() - started;

        Document document = checkContract(picture, svg);
        List<Element> layers = select(document, "//*[local-name()='g' and contains(@class, 'layer')]");
        assertThat(layers).extracting(layer -> layer.getAttribute("data-name"))
                .containsExactly("dense1", "dense2");
        assertThat(layers).allSatisfy(layer -> assertThat(layer.getAttribute("id")).startsWith("layer-"));
        assertThat(select(document, "//*[starts-with(@data-name, 'dense')]")).hasSize(2);

        TracePicture whole = TracePicture.of(trace);
        started = System.nanoTime();
        String ungrouped = TraceSvg.render(whole);
        long nodeByNode = System.nanoTime() - started;
        checkContract(whole, ungrouped);
        long[] again = new long[20];
        for (int i = 0; i < again.length; i++) {
            started = System.nanoTime();
            TraceSvg.render(picture);
            again[i] = System.nanoTime() - started;
        }
        Arrays.sort(again);
        // The first layout in a JVM also loads ELK and EMF and registers ELK's options: run this test alone to see it.
        System.out.printf("TraceSvg: MLP by layer (%d boxes, %d arrows) %d ms; node by node (%d boxes, %d arrows)"
                + " %d ms; by layer, median of %d more %.1f ms%n", picture.boxes().size(), picture.arrows().size(),
                grouped / 1_000_000, whole.boxes().size(), whole.arrows().size(), nodeByNode / 1_000_000,
                again.length, again[again.length / 2] / 1e6);
    }

    @Test
    void namesWithMarkupAreEscaped() throws Exception {
        String name = "a<b & \"c\" 'd' >\u0001";
        TracePicture picture = new TracePicture(List.of(
                new TracePicture.Box("n0", TracePicture.Role.INPUT, name, "input", List.of("value <1>"), false,
                        null),
                new TracePicture.Box("n1", TracePicture.Role.OP, "out&", "relu", List.of("value 1"), true,
                        "gradient is NaN & <inf>")),
                List.of(new TracePicture.Arrow("e0", "n0", "n1", List.of("G ⊙ [x > 0] & \"y\""))));

        String svg = TraceSvg.render(picture);

        Document document = parse(svg);
        String readBack = "a<b & \"c\" 'd' >\uFFFD";
        assertThat(byId(document, "n0").getAttribute("data-name")).isEqualTo(readBack);
        assertThat(texts(byId(document, "n0"))).containsExactly(readBack, "input", "value <1>");
        assertThat(texts(byId(document, "n1"))).containsExactly("out&", "relu", "value 1",
                "failed: gradient is NaN & <inf>");
        assertThat(classes(byId(document, "n1"))).containsExactlyInAnyOrder("box", "op", "output", "failed");
        assertThat(texts(byId(document, "e0"))).containsExactly("G ⊙ [x > 0] & \"y\"");
        assertThat(select(document, "/*[local-name()='svg']/*[local-name()='title']").get(0).getTextContent())
                .isEqualTo("Chain-rule trace of out&");
    }

    @Test
    void aFailedNodeIsDrawnWithWhyItFailed() throws Exception {
        ChainRuleTrace trace = chainRule();
        int g5 = trace.node("g5").index();
        TracePicture picture = TracePicture.of(trace.failedAt(g5, "gradient is not finite"));

        Document document = checkContract(picture, TraceSvg.render(picture));

        assertThat(classes(byId(document, "n" + g5))).contains("failed");
        assertThat(texts(byId(document, "n" + g5))).last().isEqualTo("failed: gradient is not finite");
        assertThat(select(document, "//*[contains(@class, 'failed')]")).hasSize(1);
    }

    @Test
    void theSamePictureGivesTheSameBytes() throws Exception {
        TracePicture mlp = mlpByLayer(mlp());
        TracePicture polynomial = TracePicture.of(polynomial());

        assertThat(TraceSvg.render(mlp)).isEqualTo(TraceSvg.render(mlpByLayer(mlp())));
        assertThat(TraceSvg.render(polynomial)).isEqualTo(TraceSvg.render(TracePicture.of(polynomial())));
    }

    @Test
    void anEmptyPictureIsASmallValidSvg() throws Exception {
        String svg = TraceSvg.render(new TracePicture(List.of(), List.of()));

        Document document = parse(svg);
        assertThat(document.getDocumentElement().getNamespaceURI()).isEqualTo(SVG_NAMESPACE);
        assertThat(select(document, "//*[@id]")).extracting(element -> element.getAttribute("id"))
                .doesNotContainAnyElementsOf(Set.of("n0", "e0"));
        assertThat(svg.length()).isLessThan(4000);
    }

    @Test
    void anArrowToNoBoxIsRefused() {
        TracePicture picture = new TracePicture(
                List.of(new TracePicture.Box("n0", TracePicture.Role.INPUT, "x", "input", List.of(), false, null)),
                List.of(new TracePicture.Arrow("e0", "n0", "n9", List.of())));

        assertThatThrownBy(() -> TraceSvg.render(picture)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("n9");
    }

    /**
     * Not a check: with {@code -Dgradflow.svg.samples=<dir>}, writes the drawings where a person can look at them.
     */
    @Test
    void samplesForTheEye() throws Exception {
        String directory = System.getProperty("gradflow.svg.samples");
        if (directory == null) {
            return;
        }
        Path samples = Files.createDirectories(Path.of(directory));
        Files.writeString(samples.resolve("chain-rule.svg"), TraceSvg.render(TracePicture.of(chainRule())));
        Files.writeString(samples.resolve("polynomial.svg"), TraceSvg.render(TracePicture.of(polynomial())));
        Files.writeString(samples.resolve("mlp-by-layer.svg"), TraceSvg.render(mlpByLayer(mlp())));
        Files.writeString(samples.resolve("mlp.svg"), TraceSvg.render(TracePicture.of(mlp())));
    }
}
