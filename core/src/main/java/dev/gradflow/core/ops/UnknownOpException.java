package dev.gradflow.core.ops;

/** An op name outside the closed set: the engine has neither a forward nor a gradient rule for it. */
public final class UnknownOpException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String op;

    public UnknownOpException(String op) {
        super("unknown op '" + op + "', expected one of " + OpSet.NAMES);
        this.op = op;
    }

    public String op() {
        return op;
    }
}
