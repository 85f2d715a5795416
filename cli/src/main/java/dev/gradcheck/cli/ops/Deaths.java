package dev.gradcheck.cli.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says in words how a checking JVM ended while an op was being created or checked: the op's
 * {@code error} message. Built only from what is the same on every run (the stage and line of a
 * {@code System.exit}, the exit code, the JVM's own out-of-memory line), never from timings.
 */
final class Deaths {
    private static final Pattern OOM = Pattern.compile("java\\.lang\\.OutOfMemoryError(: [^\\r\\n]*)?");

    private Deaths() {
    }

    static String describe(ChildJvm.Death d) {
        ObjectNode note = d.exitNote();
        if (note != null) {
            String at = note.path("at").asText(null);
            String exit = d.exitCode() >= 0 ? "System.exit(" + d.exitCode() + ")" : "System.exit";
            return note.path("stage").asText("the op") + " called " + exit + (at != null ? " at " + at : "")
                    + (d.exitCode() >= 0 ? ": the JVM checking it ended, gradcheck went on without it"
                            : ": the JVM checking it did not end within 3 s (a shutdown hook that never returns?) "
                                    + "and was killed");
        }
        Matcher oom = OOM.matcher(d.output());
        if (oom.find()) {
            return "ran out of memory (" + oom.group() + ") in the JVM checking it, whose heap is at most "
                    + d.maxHeapMb() + " MB (more with --jvm-option -Xmx…)";
        }
        if (d.protocolError() != null) {
            return "the JVM checking it sent a message gradcheck cannot read (" + d.protocolError() + ")";
        }
        if (d.exitCode() < 0) {
            return "the JVM checking it closed its connection to gradcheck and did not end: it was killed";
        }
        return "the JVM checking it ended with exit code " + d.exitCode() + " without running its shutdown hooks: "
                + "Runtime.halt(" + d.exitCode() + "), a crash or a kill";
    }
}
