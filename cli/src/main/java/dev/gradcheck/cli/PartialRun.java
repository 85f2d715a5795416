package dev.gradcheck.cli;

import dev.gradcheck.CheckResult;
import dev.gradcheck.Status;
import dev.gradcheck.TimeLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Checks a list of items (params, ops) one after the other under an optional time limit for the
 * whole run ({@code --timeout}). When the limit passes, the item in progress is abandoned, it and
 * every later item are reported as {@code skipped} ("not checked: ..."), and the outcome carries
 * the reason the report is incomplete.
 */
final class PartialRun {
    /**
     * @param results one or more results per item, in item order
     * @param incomplete why the run stopped early, or null when every item was checked
     */
    record Outcome(List<CheckResult> results, String incomplete) {
    }

    private PartialRun() {
    }

    /**
     * @param timeoutMs the limit for all items together; 0 runs them on this thread with none
     * @param names the names an item's results carry (for the progress bar and the skipped results)
     * @param check an item's results
     * @param bar stepped after each item
     * @param seed the seed recorded in skipped results
     */
    static <T> Outcome run(List<T> items, long timeoutMs, Function<T, List<String>> names,
            Function<T, List<CheckResult>> check, ProgressBar bar, long seed) {
        List<List<CheckResult>> done = new ArrayList<>();
        // `count` publishes how many entries of `done` are complete (the worker may be stopped mid-add)
        int[] count = {0};
        Runnable all = () -> {
            for (T item : items) {
                List<CheckResult> r = check.apply(item);
                if (Thread.currentThread().isInterrupted()) {
                    return; // the limit passed while this item ran: its result (often "interrupted") is void
                }
                synchronized (count) {
                    done.add(r);
                    count[0] = done.size();
                }
                bar.step(String.join(", ", names.apply(item)));
            }
        };
        String incomplete = null;
        try {
            TimeLimits.run("the check", timeoutMs, all);
        } catch (TimeLimits.TimedOutException e) {
            incomplete = "--timeout " + timeoutMs + " ms ran out";
        }
        List<CheckResult> results = new ArrayList<>();
        int finished;
        synchronized (count) {
            finished = count[0];
            for (int i = 0; i < finished; i++) {
                results.addAll(done.get(i));
            }
        }
        if (incomplete != null) {
            incomplete += " after " + finished + " of " + items.size() + " checks; the rest were not checked";
            for (int i = finished; i < items.size(); i++) {
                for (String n : names.apply(items.get(i))) {
                    results.add(CheckResult.builder(n).status(Status.SKIPPED).seed(seed)
                            .error("not checked: --timeout " + timeoutMs + " ms ran out", null).build());
                }
            }
        }
        return new Outcome(results, incomplete);
    }
}
