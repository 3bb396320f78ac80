package dev.gradflow.core.kernels;

/**
 * Passes over large arrays (bias and activation, the activation's gradient, column sums, the non-finite check)
 * split into contiguous ranges that run at once on the threads that run the row blocks of products.
 *
 * <p>Why: once the products run on every core, these passes are what is left on one thread. In the
 * 784-256-128-10 float32 step they took about an eighth of the calling thread's time while the other core waited
 * (README, "Threads").
 *
 * <p>The team is the active {@link OpenBlasGemm}'s ({@code gradflow.blas.threads}), once the process has chosen
 * its products (a pass never loads a native library: a gateway that only checks fed tensors stays on one
 * thread). With another implementation, a team of one thread, or fewer than {@value #MIN_ELEMENTS_PER_THREAD}
 * elements per thread, a pass runs on the calling thread alone. A helper busy with another caller's work is not
 * waited for: the caller runs that range itself. Callers must only split work whose result does not depend on
 * where it is split: elementwise passes, and sums over one dimension split along another.
 */
public final class ParallelRanges {
    /**
     * The fewest elements a range gets: handing one to a helper costs a few microseconds, and an elementwise
     * pass over this many floats takes about 15.
     */
    static final int MIN_ELEMENTS_PER_THREAD = 1 << 15;

    private ParallelRanges() {
    }

    /** Work on items {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** The first index in {@code [from, to)} that is found, or −1. */
    @FunctionalInterface
    public interface Search {
        int first(int from, int to);
    }

    /**
     * Runs {@code body} over ranges that together cover {@code [0, items)} exactly once, and returns when all have
     * run. Each range must touch memory no other range writes.
     *
     * @param items the number of items, e.g. rows
     * @param elementsPerItem the elements one item covers (its cost), e.g. a row's length; at least 1
     * @param body the work on a range of items; an exception it throws is rethrown after every range ended
     */
    public static void forEach(int items, int elementsPerItem, Range body) {
        int ranges = ranges(items, elementsPerItem);
        if (ranges == 1) {
            body.run(0, items);
            return;
        }
        team().run(ranges, range -> body.run(start(items, range, ranges), start(items, range + 1, ranges)));
    }

    /**
     * The smallest index that {@code search} finds in any range, or −1 when no range finds one. Ranges cover
     * {@code [0, items)} as in {@link #forEach}, so the answer is the same as one search over everything.
     */
    public static int first(int items, int elementsPerItem, Search search) {
        int ranges = ranges(items, elementsPerItem);
        if (ranges == 1) {
            return search.first(0, items);
        }
        int[] found = new int[ranges];
        team().run(ranges, range -> found[range] =
                search.first(start(items, range, ranges), start(items, range + 1, ranges)));
        for (int index : found) {
            if (index >= 0) {
                return index; // ranges are in order, so the first range that found one has the smallest index
            }
        }
        return -1;
    }

    /** How many ranges {@code items} are split into: one per thread, each at least the minimum size. */
    static int ranges(int items, int elementsPerItem) {
        RowBlockTeam team = team();
        if (team == null || team.threads() == 1) {
            return 1;
        }
        long elements = (long) items * Math.max(1, elementsPerItem);
        long ranges = Math.min(team.threads(), Math.min(items, elements / MIN_ELEMENTS_PER_THREAD));
        return (int) Math.max(1, ranges);
    }

    private static int start(int items, int range, int ranges) {
        return (int) ((long) items * range / ranges);
    }

    private static RowBlockTeam team() {
        return Gemms.activeIfChosen() instanceof OpenBlasGemm blas ? blas.team() : null;
    }
}
