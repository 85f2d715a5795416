package dev.gradcheck.junit;

import dev.gradcheck.CheckResult;
import java.security.CodeSource;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where in the user's code a failed check went wrong, as the stack frame a test's failure leads
 * with (the check runs before the test method, so the op's code is not on the test's stack): the
 * line that threw or, at a timeout, the line that was running; otherwise the op's method the
 * failure names, without a line (a wrong gradient: {@code backward}).
 */
final class FaultSite {
    /**
     * The op's method a message names first, after the part it is about ("input 'x' (draw 1, …): ",
     * "draw 2: "): "forward returned NaN …", "inputShapes() of op 'x' returned null", "the forward
     * rule (jvp): …", "nondeterministic forward: …".
     */
    private static final Pattern NAMED = Pattern.compile("^(?:input '[^']*'(?: \\([^)]*\\))?: |draw \\d+: )?"
            + "(?:nondeterministic )?(the forward rule|forward|backward|jvp|name\\(\\)|inputShapes\\(\\)|"
            + "domain\\(\\d*\\)|perturbedAt|inputPerturbedAt|a perturbed evaluation)(?!\\w)");
    private static final CodeSource LIBRARY = FaultSite.class.getProtectionDomain().getCodeSource();

    private FaultSite() {
    }

    /**
     * The frame of {@code op}'s code that the failed check {@code r} points at, or null when the
     * failure is not the op's (a shape set the test gave that the checker refused).
     *
     * @param shapesGiven the test gave the shape set (the op's {@code inputShapes()} was not asked)
     */
    static StackTraceElement of(CheckResult r, Class<?> op, boolean shapesGiven) {
        Throwable cause = cause(r);
        StackTraceElement line = cause == null ? null : userFrame(cause.getStackTrace(), op);
        if (line != null) {
            return line;
        }
        String method = method(r);
        if (shapesGiven && method.equals("inputShapes")) {
            return null;
        }
        return frame(declaring(op, method), method);
    }

    /** What user code threw, or the stack at a timeout, behind the first failing result that has one. */
    private static Throwable cause(CheckResult r) {
        if (r.cause() != null) {
            return r.cause();
        }
        for (CheckResult in : r.inputs()) {
            if (!in.passed() && in.cause() != null) {
                return in.cause();
            }
        }
        return null;
    }

    /**
     * The op's method a failed check names: the one its error (else its diagnosis) begins with; else
     * {@code jvp} when only the forward rule failed; else {@code backward}, whose gradient is what
     * the check compares.
     */
    static String method(CheckResult r) {
        for (String text : new String[] {r.error(), r.diagnosis()}) {
            Matcher m = text == null ? null : NAMED.matcher(text);
            if (m != null && m.find()) {
                String named = m.group(1);
                switch (named) {
                    case "the forward rule":
                        return "jvp";
                    case "a perturbed evaluation":
                        return "perturbedAt";
                    default:
                        int paren = named.indexOf('(');
                        return paren < 0 ? named : named.substring(0, paren);
                }
            }
        }
        boolean onlyTheRule = r.jvp() != null && !r.jvp().passed()
                && r.inputs().stream().allMatch(CheckResult::passed);
        return onlyTheRule ? "jvp" : "backward";
    }

    /**
     * The first frame with a line number in the user's class (its superclasses and nested classes,
     * a lambda's host class), e.g. {@code com.example.Loop.forward(Loop.java:14)}; else the first
     * with a line outside gradcheck and the JDK; null when there is none.
     */
    static StackTraceElement userFrame(StackTraceElement[] stack, Class<?> userClass) {
        for (StackTraceElement e : stack) {
            if (e.getLineNumber() >= 0 && ownedBy(e.getClassName(), userClass)) {
                return e;
            }
        }
        for (StackTraceElement e : stack) {
            String c = e.getClassName();
            if (!c.startsWith("dev.gradcheck.") && !c.startsWith("java.") && !c.startsWith("jdk.")
                    && !c.startsWith("sun.") && e.getLineNumber() >= 0) {
                return e;
            }
        }
        return null;
    }

    /** {@code className} is {@code userClass}, a superclass of it that is not gradcheck's, or nested in one. */
    private static boolean ownedBy(String className, Class<?> userClass) {
        for (Class<?> c = userClass; c != null && c != Object.class; c = c.getSuperclass()) {
            if (c != userClass && Objects.equals(c.getProtectionDomain().getCodeSource(), LIBRARY)) {
                break;
            }
            String name = c.getName();
            int lambda = name.indexOf("$$Lambda");
            if (lambda >= 0) {
                name = name.substring(0, lambda);
            }
            if (className.equals(name) || className.startsWith(name + "$")) {
                return true;
            }
        }
        return false;
    }

    /** {@code com.example.Loop.forward(Loop.java:14)}, without the class loader and module prefix. */
    static String describe(StackTraceElement e) {
        String file = e.getFileName() == null ? "Unknown Source"
                : e.getLineNumber() >= 0 ? e.getFileName() + ":" + e.getLineNumber() : e.getFileName();
        return e.getClassName() + "." + e.getMethodName() + "(" + file + ")";
    }

    /** The class that declares {@code op}'s public method {@code method} (the op's own class when an interface does). */
    private static Class<?> declaring(Class<?> op, String method) {
        for (java.lang.reflect.Method m : op.getMethods()) {
            if (m.getName().equals(method) && !m.isBridge() && !m.getDeclaringClass().isInterface()) {
                return m.getDeclaringClass();
            }
        }
        return op;
    }

    /** A frame naming a method of a class, its source file guessed from the top-level class (no line). */
    static StackTraceElement frame(Class<?> c, String method) {
        Class<?> top = c;
        while (top.getEnclosingClass() != null) {
            top = top.getEnclosingClass();
        }
        String simple = top.getSimpleName();
        int lambda = simple.indexOf("$$");
        return new StackTraceElement(c.getName(), method, (lambda >= 0 ? simple.substring(0, lambda) : simple) + ".java",
                -1);
    }
}
