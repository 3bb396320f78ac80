package dev.gradflow.core.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs the row blocks of one matrix product at the same time: block 0 on the calling thread, the others on helper
 * threads this team keeps, each block a single-threaded OpenBLAS call on its own rows of C.
 *
 * <p>Why not OpenBLAS's own threads: on the 2-core machine measured, two single-threaded sgemm calls running at
 * once did 67 to 72 GFLOP/s together on 256×784 · 784×256 and 512×1024 · 1024×1024, where one call with OpenBLAS's
 * two threads did 41 to 58 (README, "Threads").
 *
 * <p>A helper that is busy with another caller's product is not waited for: the caller runs that block itself,
 * after its own. Which thread runs a block never changes its result (every block is the same single-threaded call
 * on the same rows), so a product's bits depend only on its shape and the team's size, never on timing.
 *
 * <p>An idle helper spins for {@value #SPIN_NANOS} ns before it parks: products come in quick succession in a
 * forward and backward pass, and waking a parked thread costs tens of microseconds.
 */
final class RowBlockTeam {
    /** How long an idle helper, or a caller waiting for one, spins before it parks. */
    static final long SPIN_NANOS = 200_000;

    private final Helper[] helpers;

    /**
     * @param threads threads per product, the caller included; 1 starts no helper
     */
    RowBlockTeam(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        helpers = new Helper[threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Helper("gradflow-gemm-" + (i + 1));
        }
    }

    /** Threads per product, the caller included. */
    int threads() {
        return helpers.length + 1;
    }

    /**
     * Runs {@code block.accept(i)} for every i from 0 to {@code blocks − 1} and returns when all have finished.
     * Blocks must write disjoint memory. An exception thrown by a block is rethrown here after every block ended.
     */
    void run(int blocks, IntConsumer block) {
        Helper[] borrowed = new Helper[Math.min(blocks - 1, helpers.length)];
        int lent = 0;
        int next = 1;
        for (Helper helper : helpers) {
            if (next >= blocks) {
                break;
            }
            if (helper.borrow()) {
                helper.start(block, next++);
                borrowed[lent++] = helper;
            }
        }
        Throwable failure = null;
        try {
            block.accept(0);
            for (int i = next; i < blocks; i++) {
                block.accept(i);
            }
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (int i = 0; i < lent; i++) {
            Throwable helperFailure = borrowed[i].awaitAndRelease();
            if (failure == null) {
                failure = helperFailure;
            } else if (helperFailure != null) {
                failure.addSuppressed(helperFailure);
            }
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
    }

    /** One helper thread; a daemon, so it never keeps the JVM alive. */
    private static final class Helper implements Runnable {
        private final AtomicBoolean borrowed = new AtomicBoolean();
        private final Thread thread;
        private volatile IntConsumer task;
        private volatile int index;
        private volatile boolean done;
        private volatile Throwable failure;
        private volatile Thread caller;

        Helper(String name) {
            thread = new Thread(this, name);
            thread.setDaemon(true);
            thread.start();
        }

        boolean borrow() {
            return borrowed.compareAndSet(false, true);
        }

        void start(IntConsumer block, int blockIndex) {
            caller = Thread.currentThread();
            failure = null;
            done = false;
            index = blockIndex;
            task = block; // the volatile write that publishes the fields above
            LockSupport.unpark(thread);
        }

        /** Waits for the block to finish, frees the helper, and returns what the block threw, or null. */
        Throwable awaitAndRelease() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (!done) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            Throwable thrown = failure;
            borrowed.set(false);
            return thrown;
        }

        @Override
        public void run() {
            while (true) {
                IntConsumer block = awaitTask();
                try {
                    block.accept(index);
                } catch (Throwable e) { // handed to the caller, which rethrows it
                    failure = e;
                }
                task = null;
                done = true;
                LockSupport.unpark(caller);
            }
        }

        private IntConsumer awaitTask() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            IntConsumer block;
            while ((block = task) == null) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            return block;
        }
    }
}
