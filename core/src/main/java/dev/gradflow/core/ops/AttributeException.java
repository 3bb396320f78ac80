package dev.gradflow.core.ops;

/** An op attribute that is missing, out of place or out of range; {@link #attribute()} names it. */
public final class AttributeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String attribute;
    private final String problem;

    public AttributeException(String attribute, String problem) {
        super(attribute + ": " + problem);
        this.attribute = attribute;
        this.problem = problem;
    }

    public String attribute() {
        return attribute;
    }

    public String problem() {
        return problem;
    }
}
