package dev.gradflow.gateway.service;

/** A request names a network id that no definition registered. */
public class UnknownNetworkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownNetworkException(String networkId) {
        super("network \"" + networkId + "\" is not registered");
    }
}
