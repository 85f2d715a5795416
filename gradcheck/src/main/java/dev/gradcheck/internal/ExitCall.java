package dev.gradcheck.internal;

import java.util.Map;

/**
 * Where {@code System.exit} (or {@code Runtime.exit}) was called from, seen from a shutdown hook
 * while the exiting thread waits inside it: so that a check that is ended by the code it checks
 * can still say which line ended it.
 */
public final class ExitCall {
    private ExitCall() {
    }

    /** The thread that called {@code System.exit} and the frame it called it from, or null (a signal, the end of main). */
    public static Map.Entry<Thread, String> find() {
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            String at = caller(e.getValue());
            if (at != null) {
                return Map.entry(e.getKey(), at);
            }
        }
        return null;
    }

    /** The frame that called {@code Runtime.exit} (through {@code System.exit} or not) in this stack, or null. */
    static String caller(StackTraceElement[] stack) {
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

    /** {@code demo.X.backward(X.java:9)}, without module and class loader names. */
    static String frame(StackTraceElement f) {
        String where = f.getFileName() == null ? "Unknown Source"
                : f.getLineNumber() >= 0 ? f.getFileName() + ":" + f.getLineNumber() : f.getFileName();
        return f.getClassName() + "." + f.getMethodName() + "(" + where + ")";
    }
}
