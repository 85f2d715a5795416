package dev.gradcheck.cli.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.function.Supplier;

/**
 * In the checking JVM: a shutdown hook that tells the parent, before the JVM ends, that user code
 * called {@code System.exit}, in which stage ({@code backward}, {@code creating demo.X}) and from
 * which line. {@code Runtime.halt} runs no hook; the parent then sees only the exit code.
 */
final class ExitWitness {
    private ExitWitness() {
    }

    /**
     * Installs the hook.
     *
     * @param channel to the parent
     * @param output what the op being checked printed so far
     * @param orderly true once the parent asked the JVM to end (then the hook says nothing)
     */
    static void install(ChildChannel channel, Supplier<String> output, Supplier<Boolean> orderly) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (orderly.get()) {
                return;
            }
            ObjectNode exit = Wire.object();
            for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                String at = caller(e.getValue());
                if (at != null) {
                    String stage = UserCalls.stageOf(e.getKey());
                    exit.put("stage", stage != null ? stage : "a thread the op started");
                    exit.put("at", at);
                    break;
                }
            }
            exit.put("output", output.get());
            ObjectNode message = Wire.object();
            message.set("exit", exit);
            channel.trySend(message);
        }, "gradcheck-exit-witness"));
    }

    /** The frame that called {@code System.exit} or {@code Runtime.exit} in this stack, or null. */
    private static String caller(StackTraceElement[] stack) {
        for (int i = 0; i < stack.length; i++) {
            if (stack[i].getClassName().equals("java.lang.Runtime") && stack[i].getMethodName().equals("exit")) {
                int j = i + 1;
                if (j < stack.length && stack[j].getClassName().equals("java.lang.System")) {
                    j++;
                }
                return j < stack.length ? frame(stack[j]) : "an unknown place";
            }
        }
        return null;
    }

    /** {@code demo.X.backward(X.java:9)}, without the module and loader names. */
    static String frame(StackTraceElement f) {
        String where = f.getFileName() == null ? "Unknown Source"
                : f.getLineNumber() >= 0 ? f.getFileName() + ":" + f.getLineNumber() : f.getFileName();
        return f.getClassName() + "." + f.getMethodName() + "(" + where + ")";
    }
}
