package dev.gradflow.core.testing;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tensor.Tensor;
import java.util.Map;

/** The core used end to end, as the services use it: parse, compile, record, differentiate. */
public final class Engine {
    private Engine() {
    }

    public static CompiledGraph compile(String definitionJson) {
        return GraphCompiler.compile(new DefinitionParser(Limits.DEFAULT).parse(Json.parse(definitionJson)),
                Limits.DEFAULT);
    }

    public static GradientSet gradients(String definitionJson, Map<String, Tensor> feeds) {
        return BackwardPass.run(ForwardPass.record(compile(definitionJson), feeds));
    }
}
