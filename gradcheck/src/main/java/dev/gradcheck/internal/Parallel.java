package dev.gradcheck.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs independent jobs 0…n−1 on a few threads. Each worker takes the next job as it finishes one
 * (so jobs of uneven cost balance out) and makes its scratch state (e.g. a copy of the inputs) once,
 * on its first job; a job must leave the scratch as it found it. Every result is stored at its
 * job's index, and when jobs throw, the one with the lowest index is rethrown, as a sequential run
 * would: results never depend on the number of threads.
 *
 * <p>Jobs of different kinds share one pool through a {@link Batch}: each kind keeps its own
 * result type, and the batch runs them in the order they were added.
 */
public final class Parallel {
    /** One job, {@code k}, with the worker's scratch state. */
    @FunctionalInterface
    public interface Job<W, R> {
        R run(W scratch, int k);
    }

    private Parallel() {
    }

    /** The results of jobs 0…n−1, in job order. */
    public static <W, R> List<R> map(int threads, int n, Supplier<W> scratch, Job<W, R> job) {
        Object[] out = new Object[n];
        forEach(threads, n, scratch, (w, k) -> out[k] = job.run(w, k));
        return resultList(out);
    }

    @SuppressWarnings("unchecked")
    private static <R> List<R> resultList(Object[] out) {
        List<R> list = new ArrayList<>(out.length);
        for (Object o : out) {
            list.add((R) o);
        }
        return list;
    }

    /** One job without a result. */
    @FunctionalInterface
    private interface Step<W> {
        void run(W scratch, int k);
    }

    private static <W> void forEach(int threads, int n, Supplier<W> scratch, Step<W> step) {
        int workers = Math.min(n, Math.max(1, threads));
        if (workers <= 1) {
            W w = n > 0 ? scratch.get() : null;
            for (int k = 0; k < n; k++) {
                step.run(w, k);
            }
        } else {
            runOnPool(workers, n, scratch, step);
        }
    }

    private static <W> void runOnPool(int workers, int n, Supplier<W> scratch, Step<W> step) {
        AtomicInteger next = new AtomicInteger();
        // jobs after the lowest failing index are skipped; the ones before it all run
        AtomicInteger firstFailure = new AtomicInteger(n);
        Throwable[] thrown = new Throwable[n];
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "gradcheck-worker");
            t.setDaemon(true);
            return t;
        });
        // the workers run the caller's check: an op's code that checks the op again is seen there too
        CheckScope.Frame scope = CheckScope.current();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> {
                    CheckScope.adopt(scope);
                    W mine = null;
                    for (int k = next.getAndIncrement(); k < n; k = next.getAndIncrement()) {
                        if (k > firstFailure.get() || Thread.currentThread().isInterrupted()) {
                            continue;
                        }
                        try {
                            if (mine == null) {
                                mine = scratch.get();
                            }
                            step.run(mine, k);
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

    /**
     * Jobs of several kinds run together on one pool, as {@link #map} runs one kind: tasks without
     * a result, single values and groups of n like jobs, numbered in the order they are added. Each
     * {@code add} returns a typed handle that holds its results once {@link #run} returned.
     */
    public static final class Batch<W> {
        private final int threads;
        private final Supplier<W> scratch;
        private final List<Group<W>> groups = new ArrayList<>();
        private int size;

        public Batch(int threads, Supplier<W> scratch) {
            this.threads = threads;
            this.scratch = scratch;
        }

        /** A job run for its effect only. */
        public void addTask(Consumer<W> task) {
            addGroup(1, (w, k) -> {
                task.accept(w);
                return null;
            });
        }

        /** A job whose value {@link Value#get} gives after the run. */
        public <R> Value<R> addValue(Function<W, R> job) {
            return new Value<>(addGroup(1, (w, k) -> job.apply(w)));
        }

        /** Jobs 0…n−1 of one kind; {@link Values#list} gives their results in job order after the run. */
        public <R> Values<R> addEach(int n, Job<W, R> job) {
            return new Values<>(addGroup(n, job));
        }

        private Group<W> addGroup(int n, Job<W, ?> job) {
            Group<W> g = new Group<>(size, n, job);
            groups.add(g);
            size += n;
            return g;
        }

        /** Runs every job added, on up to {@code threads} threads. */
        public void run() {
            forEach(threads, size, scratch, (w, k) -> {
                Group<W> g = groupOf(k);
                g.results[k - g.first] = g.job.run(w, k - g.first);
            });
        }

        private Group<W> groupOf(int k) {
            // few groups, and the large one last: a short linear search
            for (Group<W> g : groups) {
                if (k < g.first + g.results.length) {
                    return g;
                }
            }
            throw new IndexOutOfBoundsException(k);
        }
    }

    private static final class Group<W> {
        final int first;
        final Object[] results;
        final Job<W, ?> job;

        Group(int first, int n, Job<W, ?> job) {
            this.first = first;
            this.results = new Object[n];
            this.job = job;
        }
    }

    /** The handle of a single job's value. */
    public static final class Value<R> {
        private final Group<?> group;

        private Value(Group<?> group) {
            this.group = group;
        }

        @SuppressWarnings("unchecked")
        public R get() {
            return (R) group.results[0];
        }
    }

    /** The handle of a group's values. */
    public static final class Values<R> {
        private final Group<?> group;

        private Values(Group<?> group) {
            this.group = group;
        }

        @SuppressWarnings("unchecked")
        public R get(int k) {
            return (R) group.results[k];
        }

        /** The values in job order, as an unmodifiable list over the batch's own storage. */
        @SuppressWarnings("unchecked")
        public List<R> list() {
            return Collections.unmodifiableList((List<R>) (List<?>) Arrays.asList(group.results));
        }
    }
}
