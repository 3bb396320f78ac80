package dev.gradflow.gateway.rest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Request bodies are read into a generic JSON tree and handed to the core, which names the offending field in
 * every error. Anything after the first JSON value is an error too, not silently ignored. Nothing in a body is ever bound to an arbitrary class: definitions are data, never code.
 */
final class RequestBodies {
    private RequestBodies() {
    }

    static Object read(ObjectMapper json, byte[] body, long maxBytes) throws IOException {
        if (body != null && body.length > maxBytes) {
            throw new BodyTooLargeException(body.length, maxBytes);
        }
        if (body == null || body.length == 0) {
            throw new MalformedBodyException("the body is empty; expected a JSON object");
        }
        Object tree = json.readerFor(Object.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(body);
        if (tree == null) {
            throw new MalformedBodyException("the body is JSON null; expected an object");
        }
        return tree;
    }

    /** A body over {@code gradflow.gateway.max-body-bytes}. */
    static final class BodyTooLargeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BodyTooLargeException(long size, long limit) {
            super("the body has " + size + " bytes, more than the limit of " + limit
                    + " (gradflow.gateway.max-body-bytes)");
        }
    }

    /** A body that is valid JSON but not usable at all. */
    static final class MalformedBodyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedBodyException(String message) {
            super(message);
        }
    }
}
