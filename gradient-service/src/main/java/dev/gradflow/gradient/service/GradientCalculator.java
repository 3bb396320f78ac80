package dev.gradflow.gradient.service;

import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.NonFiniteException;
import dev.gradflow.core.tape.TapeException;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.core.wire.TapeRecord;

/**
 * Turns a tape record into the gradient record that answers its batch. Every tape gets an answer: a failed
 * forward pass, a tape the backward pass cannot run (an unknown op, say) and a gradient holding a NaN or an
 * infinity all become failed gradient records naming the cause, so no non-finite gradient is ever published.
 */
public final class GradientCalculator {
    private GradientCalculator() {
    }

    /**
     * @param tapeBytes the value of a record on {@code tapes}
     * @throws dev.gradflow.core.wire.WireFormatException when the bytes are not a tape record; without a batch id
     *     there is nobody to answer, so the caller dead-letters the record
     */
    public static GradientRecord answer(byte[] tapeBytes) {
        TapeRecord tape = TapeRecord.decode(tapeBytes);
        if (tape.isFailed()) {
            return GradientRecord.failed(tape.batchId(), tape.networkId(), tape.failure());
        }
        try {
            return GradientRecord.ok(tape.batchId(), tape.networkId(), BackwardPass.run(tape.tape()));
        } catch (TapeException | NonFiniteException e) {
            return GradientRecord.failed(tape.batchId(), tape.networkId(), e.getMessage());
        }
    }
}
