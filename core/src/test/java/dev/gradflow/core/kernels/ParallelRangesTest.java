package dev.gradflow.core.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * {@link ParallelRanges} on the process's products (OpenBLAS here, {@code gradflow.blas.threads} defaulting to the
 * cores): every item once, in ranges that tile the items, and the same answers as one pass on one thread.
 */
class ParallelRangesTest {
    private static int teamThreads() {
        return Gemms.active() instanceof OpenBlasGemm blas ? blas.team().threads() : 1;
    }

    @Test
    void coversEveryItemExactlyOnceInRangesThatTileThem() {
        Gemms.active();
        for (int items : new int[] {0, 1, 31, 32_768, 65_536, 65_537, 1_000_003}) {
            for (int elementsPerItem : new int[] {1, 7, 300}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(items);
                List<int[]> ranges = Collections.synchronizedList(new ArrayList<>());
                ParallelRanges.forEach(items, elementsPerItem, (from, to) -> {
                    ranges.add(new int[] {from, to});
                    for (int i = from; i < to; i++) {
                        runs.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < items; i++) {
                    if (runs.get(i) != 1) {
                        throw new AssertionError("item " + i + " of " + items + " ran " + runs.get(i) + " times");
                    }
                }
                ranges.sort((a, b) -> Integer.compare(a[0], b[0]));
                int next = 0;
                for (int[] range : ranges) {
                    assertThat(range[0]).as("%d items: ranges tile them", items).isEqualTo(next);
                    next = range[1];
                }
                assertThat(next).isEqualTo(items);
                assertThat(ranges).hasSize(ParallelRanges.ranges(items, elementsPerItem));
            }
        }
    }

    @Test
    void splitsOnlyWorkLargeEnoughAndUsesTheHelpers() {
        int threads = teamThreads();
        assumeTrue(threads >= 2, "needs OpenBLAS and at least two threads per product");
        int minimum = ParallelRanges.MIN_ELEMENTS_PER_THREAD;
        assertThat(ParallelRanges.ranges(minimum * 2 - 1, 1)).isEqualTo(1);
        assertThat(ParallelRanges.ranges(minimum * 2, 1)).isEqualTo(2);
        assertThat(ParallelRanges.ranges(minimum, 2)).isEqualTo(2);
        assertThat(ParallelRanges.ranges(1, 10 * minimum)).as("never more ranges than items").isEqualTo(1);
        assertThat(ParallelRanges.ranges(1_000, 1_000_000)).isEqualTo(threads);

        Set<String> ranOn = ConcurrentHashMap.newKeySet();
        for (int attempt = 0; attempt < 20 && ranOn.size() < 2; attempt++) {
            ParallelRanges.forEach(threads, minimum, (from, to) -> {
                ranOn.add(Thread.currentThread().getName());
                sleep(2); // so that the caller does not run every range before a helper takes one
            });
        }
        assertThat(ranOn).contains(Thread.currentThread().getName(), "gradflow-gemm-1");
    }

    @Test
    void firstIsTheSmallestIndexAnyRangeFinds() {
        int items = 400_000;
        boolean[] marked = new boolean[items];
        ParallelRanges.Search search = (from, to) -> {
            for (int i = from; i < to; i++) {
                if (marked[i]) {
                    return i;
                }
            }
            return -1;
        };
        assertThat(ParallelRanges.first(items, 1, search)).isEqualTo(-1);
        marked[items - 1] = true;
        assertThat(ParallelRanges.first(items, 1, search)).isEqualTo(items - 1);
        marked[300_000] = true;
        assertThat(ParallelRanges.first(items, 1, search)).isEqualTo(300_000);
        marked[7] = true;
        assertThat(ParallelRanges.first(items, 1, search)).isEqualTo(7);
    }

    @Test
    void aFailingRangeFailsTheCallAfterEveryRangeEnded() {
        AtomicIntegerArray finished = new AtomicIntegerArray(1);
        assertThatThrownBy(() -> ParallelRanges.forEach(1_000_000, 1, (from, to) -> {
            if (from == 0) {
                throw new IllegalStateException("range at 0 failed");
            }
            sleep(20);
            finished.incrementAndGet(0);
        })).isInstanceOf(IllegalStateException.class).hasMessage("range at 0 failed");
        assertThat(finished.get(0)).isEqualTo(ParallelRanges.ranges(1_000_000, 1) - 1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
