package dev.gradcheck.cli;

import dev.gradcheck.CheckResult;
import dev.gradcheck.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Checks a list of items (ops) one after the other until the {@link RunStop} says stop
 * ({@code --timeout}, Ctrl-C). Then the item in progress gets {@link RunStop#GRACE_MS} to return
 * what it checked (the checker stops at its next entry or draw, and the draws done are its
 * result) before it is abandoned, and is then reported as {@code skipped}; every later item is
 * reported as {@code skipped} ("not checked: ..."), and the outcome carries the reason the report
 * is incomplete.
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
     * @param stop the run's limits
     * @param names the names an item's results carry (for the progress bar and the skipped results)
     * @param check an item's results
     * @param bar stepped after each item
     * @param seed the seed recorded in skipped results
     */
    static <T> Outcome run(List<T> items, RunStop stop, Function<T, List<String>> names,
            Function<T, List<CheckResult>> check, ProgressBar bar, long seed) {
        List<List<CheckResult>> done = new ArrayList<>();
        String[] cut = {null};
        try {
            stop.during("the checks", () -> {
                for (T item : items) {
                    if (stop.stopRequested()) {
                        break;
                    }
                    List<CheckResult> r = check.apply(item);
                    synchronized (done) {
                        if (stop.stopRequested()) {
                            cut[0] = String.join(", ", names.apply(item)); // stopped while it ran: partial
                        }
                        done.add(r);
                    }
                    bar.step(String.join(", ", names.apply(item)));
                }
                return null;
            });
        } catch (RunStop.Stopped e) {
            // abandoned: the items finished before are kept
        }
        List<CheckResult> results = new ArrayList<>();
        int finished;
        String partial;
        synchronized (done) {
            finished = done.size();
            partial = cut[0];
            done.forEach(results::addAll);
        }
        String incomplete = null;
        if (stop.reason() != null) {
            int whole = partial == null ? finished : finished - 1;
            incomplete = stop.reason() + " during " + stop.cutPhase() + " after " + whole + " of " + items.size()
                    + " checks" + (partial == null ? "" : "; " + partial + " was stopped part-way (what it checked "
                    + "is reported)") + (finished < items.size() ? "; the rest were not checked" : "");
            for (int i = finished; i < items.size(); i++) {
                for (String n : names.apply(items.get(i))) {
                    results.add(CheckResult.builder(n).status(Status.SKIPPED).seed(seed)
                            .error("not checked: " + stop.reason(), null).build());
                }
            }
        }
        return new Outcome(results, incomplete);
    }
}
