package dev.gradflow.gateway.rest;

/**
 * The body of every 4xx and 5xx answer.
 *
 * @param status the HTTP status
 * @param field path of the offending field in the request body ({@code nodes[2].inputs[0]}, {@code inputs.x}),
 *     {@code $} for the body as a whole, or null when no field is at fault
 * @param message what is wrong, starting with the field
 */
public record ErrorResponse(int status, String field, String message) {
}
