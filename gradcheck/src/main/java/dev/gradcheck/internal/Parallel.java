package dev.gradcheck.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs independent jobs 0…n−1 on a few threads. Each worker takes the next job as it finishes one
 * (so jobs of uneven cost balance out) and makes its scratch state (e.g. a copy of the inputs) once,
 * on its first job; a job must leave the scratch as it found it. Every result is stored at its
 * job's index, and when jobs throw, the one with the lowest index is rethrown, as a sequential run
 * would: results never depend on the number of threads.
 */
public final class Parallel {
    /** One job, {@code k}, with the worker's scratch state. */
    @FunctionalInterface
    public interface Job<W, R> {
        R run(W scratch, int k);
    }

    private Parallel() {
    }

    @SuppressWarnings("unchecked")
    public static <W, R> List<R> map(int threads, int n, Supplier<W> scratch, Job<W, R> job) {
        Object[] out = new Object[n];
        int workers = Math.min(n, Math.max(1, threads));
        if (workers <= 1) {
            W w = n > 0 ? scratch.get() : null;
            for (int k = 0; k < n; k++) {
                out[k] = job.run(w, k);
            }
        } else {
            runOnPool(workers, n, scratch, job, out);
        }
        List<R> list = new ArrayList<>(n);
        for (Object o : out) {
            list.add((R) o);
        }
        return list;
    }

    private static <W, R> void runOnPool(int workers, int n, Supplier<W> scratch, Job<W, R> job, Object[] out) {
        AtomicInteger next = new AtomicInteger();
        // jobs after the lowest failing index are skipped; the ones before it all run
        AtomicInteger firstFailure = new AtomicInteger(n);
        Throwable[] thrown = new Throwable[n];
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "gradcheck-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> {
                    W mine = null;
                    for (int k = next.getAndIncrement(); k < n; k = next.getAndIncrement()) {
                        if (k > firstFailure.get() || Thread.currentThread().isInterrupted()) {
                            continue;
                        }
                        try {
                            if (mine == null) {
                                mine = scratch.get();
                            }
                            out[k] = job.run(mine, k);
                        } catch (RuntimeException | Error e) {
                            thrown[k] = e;
                            firstFailure.accumulateAndGet(k, Math::min);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while computing the numeric Jacobian", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        int first = firstFailure.get();
        if (first < n) {
            Throwable t = thrown[first];
            if (t instanceof RuntimeException) {
                throw (RuntimeException) t;
            }
            throw (Error) t;
        }
    }
}
