package dev.gradflow.core.graph;

/**
 * A definition or a batch that cannot be accepted. {@link #field()} is a path into the JSON document, such as
 * {@code nodes[2].inputs[0]} or {@code inputs.x}; {@link #problem()} says what is wrong with it.
 */
public final class DefinitionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String problem;

    public DefinitionException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }
}
