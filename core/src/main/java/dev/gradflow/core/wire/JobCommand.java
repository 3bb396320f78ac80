package dev.gradflow.core.wire;

import dev.gradflow.core.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a client asks of a job: the value of a record on topic {@code jobs}, keyed by job id. The same topic carries
 * the answers of the job's batches (gradient records, told apart by their magic).
 * <pre>
 * 4 bytes  magic "GFJB", 1 byte version (1)
 * string   job id (also the record key)
 * 1 byte   command: 0 = submit, 1 = cancel
 * submit:  string request: the job as JSON (UTF-8), what POST /jobs takes, with the network inline;
 *          int32 attached tensor count, then per tensor a string name and a tensor: the rows of an uploaded
 *          dataset, "x" and "y", when the request's dataset is {"id": ...}; none otherwise
 * cancel:  nothing more
 * </pre>
 */
public sealed interface JobCommand {
    byte[] MAGIC = {'G', 'F', 'J', 'B'};
    byte VERSION = 1;

    /** The job this command is for. */
    String jobId();

    byte[] encode();

    /**
     * Starts a job.
     *
     * @param request the job's JSON (UTF-8)
     * @param attached tensors the request refers to instead of carrying them as JSON: an uploaded dataset's rows
     */
    record Submit(String jobId, String request, Map<String, Tensor> attached) implements JobCommand {
        private static final int MAX_ATTACHED = 16;

        public Submit {
            Objects.requireNonNull(jobId, "jobId");
            Objects.requireNonNull(request, "request");
            attached = Collections.unmodifiableMap(new LinkedHashMap<>(attached));
        }

        @Override
        public byte[] encode() {
            // Room for the request; the writer adds the attached tensors' elements at their exact size.
            WireWriter writer = new WireWriter(256 + request.length() * 3).magic(MAGIC, VERSION)
                    .string(jobId).u8(0).string(request).i32(attached.size());
            attached.forEach((name, tensor) -> writer.string(name).tensor(tensor));
            return writer.toByteArray();
        }
    }

    /** Stops a job: no further step is taken, and its status becomes {@code cancelled}. */
    record Cancel(String jobId) implements JobCommand {
        public Cancel {
            Objects.requireNonNull(jobId, "jobId");
        }

        @Override
        public byte[] encode() {
            return new WireWriter(64 + jobId.length() * 3).magic(MAGIC, VERSION).string(jobId).u8(1).toByteArray();
        }
    }

    /** Whether {@code bytes} start with this record's magic (rather than a gradient record's, say). */
    static boolean isJobCommand(byte[] bytes) {
        if (bytes == null || bytes.length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** @throws WireFormatException saying what is wrong and where */
    static JobCommand decode(byte[] bytes) {
        WireReader reader = new WireReader(bytes, "job command");
        reader.magic(MAGIC, VERSION);
        String jobId = reader.string("job id");
        int command = reader.u8("command");
        if (command == 1) {
            reader.end();
            return new Cancel(jobId);
        }
        if (command != 0) {
            throw reader.error("command " + command + " is neither 0 (submit) nor 1 (cancel)");
        }
        String request = reader.string("request");
        int count = reader.count("attached tensor count", Submit.MAX_ATTACHED);
        Map<String, Tensor> attached = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = reader.string("attached tensor " + i + " name");
            if (attached.put(name, reader.tensor("attached tensor \"" + name + "\"")) != null) {
                throw reader.error("attached tensor \"" + name + "\" appears twice");
            }
        }
        reader.end();
        return new Submit(jobId, request, attached);
    }
}
