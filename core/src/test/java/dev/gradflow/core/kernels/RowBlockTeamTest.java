package dev.gradflow.core.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class RowBlockTeamTest {
    @Test
    void runsEveryBlockExactlyOnceOnTheCallerAndTheHelpers() {
        RowBlockTeam team = new RowBlockTeam(3);
        assertThat(team.threads()).isEqualTo(3);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        for (int blocks = 1; blocks <= 7; blocks++) {
            AtomicIntegerArray runs = new AtomicIntegerArray(blocks);
            team.run(blocks, block -> {
                runs.incrementAndGet(block);
                threads.add(Thread.currentThread().getName());
                sleep(5); // long enough that the helpers are still busy when the caller looks for them
            });
            for (int block = 0; block < blocks; block++) {
                assertThat(runs.get(block)).as("block %d of %d", block, blocks).isEqualTo(1);
            }
        }
        assertThat(threads).contains(Thread.currentThread().getName(), "gradflow-gemm-1", "gradflow-gemm-2");
    }

    @Test
    void concurrentCallersEachGetEveryBlockRunWhenTheHelpersAreBusy() throws Exception {
        RowBlockTeam team = new RowBlockTeam(2);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<int[]>> results = new ArrayList<>();
            for (int caller = 0; caller < 16; caller++) {
                results.add(callers.submit(() -> {
                    int[] runs = new int[4];
                    team.run(4, block -> {
                        runs[block]++;
                        sleep(1);
                    });
                    return runs;
                }));
            }
            for (Future<int[]> result : results) {
                assertThat(result.get()).containsExactly(1, 1, 1, 1);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void aBlockThatThrowsFailsTheRunAfterTheOtherBlocksEnded() {
        RowBlockTeam team = new RowBlockTeam(2);
        AtomicIntegerArray runs = new AtomicIntegerArray(3);
        assertThatThrownBy(() -> team.run(3, block -> {
            runs.incrementAndGet(block);
            if (block == 1) {
                throw new IllegalStateException("block 1 failed");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("block 1 failed");
        assertThat(runs.get(0) + runs.get(1) + runs.get(2)).isEqualTo(3);
        // The helper is free again afterwards.
        AtomicIntegerArray again = new AtomicIntegerArray(2);
        team.run(2, again::incrementAndGet);
        assertThat(again.get(0) + again.get(1)).isEqualTo(2);
        assertThatThrownBy(() -> new RowBlockTeam(0)).hasMessageContaining("at least 1");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
