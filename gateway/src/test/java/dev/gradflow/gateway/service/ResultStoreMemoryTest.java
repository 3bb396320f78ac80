package dev.gradflow.gateway.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.wire.GradientRecord;
import dev.gradflow.gateway.config.GatewayConfig;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The result store's memory bound holds for what it really keeps on the heap, not only for the tensors' elements:
 * it is filled with decoded answers, as the gateway's listener stores them, and the heap they retain (measured
 * after full collections) must not exceed what the store counts.
 */
class ResultStoreMemoryTest {
    private static final int ANSWERS = 40_000;

    @Test
    void manySmallAnswersRetainNoMoreHeapThanTheStoreCounts() {
        ResultStore store = store(Long.MAX_VALUE);
        Map<String, Tensor> parameters = new LinkedHashMap<>();
        parameters.put("w", Tensor.ofDoubles(new int[] {3}, new double[] {-3, -1, 2}));
        parameters.put("b", Tensor.ofDoubles(new int[] {}, new double[] {1}));
        GradientSet neuron = new GradientSet(Tensor.ofDoubles(new int[] {}, new double[] {6}), parameters,
                Map.of("x", Tensor.ofDoubles(new int[] {3}, new double[] {1, -2, 3})));
        String network = UUID.randomUUID().toString();
        long before = heapUsedAfterCollection();
        for (int i = 0; i < ANSWERS; i++) {
            byte[] wire = GradientRecord.ok(UUID.randomUUID().toString(), network, neuron).encode();
            store.answered(GradientRecord.decode(wire));
        }
        long retained = heapUsedAfterCollection() - before;
        assertThat(store.entries()).isEqualTo(ANSWERS);
        System.out.printf("single neuron answers: %d bytes retained each, %d counted%n", retained / ANSWERS,
                store.bytesHeld() / ANSWERS);
        assertThat(retained).as("heap retained by %d answers", ANSWERS).isLessThanOrEqualTo(store.bytesHeld());
    }

    @Test
    void theOldestAnswersGoWhenTheBoundIsReached() {
        long bound = 4L << 20;
        ResultStore store = store(bound);
        GradientSet answer = new GradientSet(Tensor.ofDoubles(new int[] {}, new double[] {1}), Map.of(
                "w", Tensor.ofDoubles(new int[] {100}, new double[100])), Map.of());
        for (int i = 0; i < 10_000; i++) {
            store.answered(GradientRecord.ok("batch-" + i, "network", answer));
        }
        assertThat(store.bytesHeld()).isLessThanOrEqualTo(bound);
        assertThat(store.entries()).isLessThan(10_000).isGreaterThan(1_000);
    }

    private static ResultStore store(long maxBytes) {
        ResultStore store = new ResultStore();
        store.config = (GatewayConfig) Proxy.newProxyInstance(GatewayConfig.class.getClassLoader(),
                new Class<?>[] {GatewayConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("resultsMaxBytes")) {
                        return maxBytes;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return store;
    }

    private static long heapUsedAfterCollection() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
