package dev.gradflow.benchmarks.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives batches through the pipeline, whatever the way in ({@link Submitter}): one at a time for latency, or as
 * fast as the pipeline absorbs them for throughput. Throughput keeps at most {@code window} batches unanswered, so
 * the backlog stays bounded and a batch's latency is its own, not the queue's growth; it counts only what happens
 * after the warm-up.
 */
final class Load {
    /** Puts one batch into the pipeline and returns its answer-to-be. Must be safe to call from several threads. */
    interface Submitter {
        CompletableFuture<Answers.Answer> submit() throws Exception;
    }

    /**
     * @param inPerSecond batches handed over per second after the warm-up (accepted by the gateway, or given to the
     *     Kafka producer)
     * @param answeredPerSecond answers read per second after the warm-up
     * @param latencies send-to-answer times of the batches sent after the warm-up, in nanoseconds
     * @param failed answers that were failures, over the whole run
     */
    record Throughput(double inPerSecond, double answeredPerSecond, long[] latencies, int failed) {
    }

    /** How long without any answer before the pipeline is declared stuck. */
    static final Duration STALL = Duration.ofSeconds(90);

    private Load() {
    }

    /** Send-to-answer times of {@code count} batches sent one after the other, after {@code warmup} more. */
    static long[] oneAtATime(Submitter submitter, int warmup, int count) throws Exception {
        long[] latencies = new long[count];
        for (int i = -warmup; i < count; i++) {
            long sent = System.nanoTime();
            Answers.Answer answer = await(submitter.submit());
            if (answer.failed()) {
                throw new IllegalStateException("the pipeline answered a batch with a failure; see the services' logs");
            }
            if (i >= 0) {
                latencies[i] = answer.answeredNanos() - sent;
            }
        }
        return latencies;
    }

    /** Keeps {@code window} batches in flight from {@code threads} threads for {@code duration}, counting nothing. */
    static void warmUp(Submitter submitter, int threads, int window, Duration duration) throws Exception {
        if (!duration.isZero()) {
            throughput(submitter, threads, window, duration, Duration.ZERO);
        }
    }

    /** Keeps {@code window} batches in flight from {@code threads} threads for the warm-up, then the measurement. */
    static Throughput throughput(Submitter submitter, int threads, int window, Duration warmup, Duration measure)
            throws Exception {
        Semaphore inFlight = new Semaphore(window);
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long measureTo = measureFrom + measure.toNanos();
        AtomicLong lastAnswer = new AtomicLong(start);
        AtomicInteger submittedInWindow = new AtomicInteger();
        AtomicInteger answeredInWindow = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<Long> latencies = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();

        Runnable client = () -> {
            try {
                while (System.nanoTime() < measureTo) {
                    if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        checkProgress(lastAnswer);
                        continue;
                    }
                    long sent = System.nanoTime();
                    CompletableFuture<Answers.Answer> answer;
                    try {
                        answer = submitter.submit();
                    } catch (Exception e) {
                        inFlight.release();
                        throw e;
                    }
                    long accepted = System.nanoTime();
                    if (accepted >= measureFrom && accepted < measureTo) {
                        submittedInWindow.incrementAndGet();
                    }
                    answer.whenComplete((a, error) -> {
                        if (error != null) {
                            synchronized (errors) {
                                errors.add(error);
                            }
                            inFlight.release();
                            return;
                        }
                        lastAnswer.set(a.answeredNanos());
                        if (a.failed()) {
                            failed.incrementAndGet();
                        }
                        if (a.answeredNanos() >= measureFrom && a.answeredNanos() < measureTo) {
                            answeredInWindow.incrementAndGet();
                        }
                        if (sent >= measureFrom && sent < measureTo) {
                            synchronized (latencies) {
                                latencies.add(a.answeredNanos() - sent);
                            }
                        }
                        inFlight.release();
                    });
                }
            } catch (Exception e) {
                synchronized (errors) {
                    errors.add(e);
                }
            }
        };
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread thread = new Thread(client, "load-" + i);
            thread.start();
            clients.add(thread);
        }
        for (Thread thread : clients) {
            thread.join();
        }
        // Drain: every batch sent gets its answer before the next measurement starts.
        while (!inFlight.tryAcquire(window, 1, TimeUnit.SECONDS)) {
            checkErrors(errors);
            checkProgress(lastAnswer);
        }
        checkErrors(errors);
        double seconds = measure.toNanos() / 1e9;
        long[] sample;
        synchronized (latencies) {
            sample = latencies.stream().mapToLong(Long::longValue).toArray();
        }
        return new Throughput(submittedInWindow.get() / seconds, answeredInWindow.get() / seconds, sample,
                failed.get());
    }

    private static void checkErrors(List<Throwable> errors) {
        synchronized (errors) {
            if (!errors.isEmpty()) {
                throw new IllegalStateException("sending failed: " + errors.get(0), errors.get(0));
            }
        }
    }

    private static void checkProgress(AtomicLong lastAnswer) {
        if (System.nanoTime() - lastAnswer.get() > STALL.toNanos()) {
            throw new IllegalStateException("no answer for " + STALL.toSeconds() + " s; see the services' logs");
        }
    }

    private static Answers.Answer await(CompletableFuture<Answers.Answer> answer) throws InterruptedException {
        try {
            return answer.get(STALL.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer within " + STALL.toSeconds() + " s; see the services' logs");
        }
    }
}
