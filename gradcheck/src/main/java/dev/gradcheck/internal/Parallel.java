package dev.gradcheck.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Runs independent per-entry jobs on a fixed thread pool. Each chunk of entries gets its own
 * scratch state (a copy of the inputs), every result is stored at its entry's index, and the first
 * failure in index order is rethrown: results never depend on the number of threads.
 */
public final class Parallel {
    /** One job on entry {@code k} with a chunk's scratch state. */
    @FunctionalInterface
    public interface Job<W, R> {
        R run(W scratch, int k);
    }

    private Parallel() {
    }

    @SuppressWarnings("unchecked")
    public static <W, R> List<R> map(int threads, int n, Supplier<W> scratch, Job<W, R> job) {
        Object[] out = new Object[n];
        int chunks = Math.min(n, threads <= 1 ? 1 : threads * 4);
        if (chunks <= 1) {
            W w = scratch.get();
            for (int k = 0; k < n; k++) {
                out[k] = job.run(w, k);
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, chunks), r -> {
                Thread t = new Thread(r, "gradcheck-worker");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int c = 0; c < chunks; c++) {
                    int lo = (int) ((long) n * c / chunks);
                    int hi = (int) ((long) n * (c + 1) / chunks);
                    futures.add(pool.submit(() -> {
                        W w = scratch.get();
                        for (int k = lo; k < hi; k++) {
                            out[k] = job.run(w, k);
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
                Throwable c = e.getCause();
                if (c instanceof RuntimeException) {
                    throw (RuntimeException) c;
                }
                if (c instanceof Error) {
                    throw (Error) c;
                }
                throw new IllegalStateException(c);
            } finally {
                pool.shutdownNow();
            }
        }
        List<R> list = new ArrayList<>(n);
        for (Object o : out) {
            list.add((R) o);
        }
        return list;
    }
}
