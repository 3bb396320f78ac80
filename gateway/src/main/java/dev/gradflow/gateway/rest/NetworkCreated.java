package dev.gradflow.gateway.rest;

/** Answer to a registration: the id to submit batches to. */
public record NetworkCreated(String networkId) {
}
