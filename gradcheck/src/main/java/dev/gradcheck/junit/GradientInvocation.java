package dev.gradcheck.junit;

import dev.gradcheck.CheckReport;
import dev.gradcheck.DifferentiableFunction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.MediaType;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;

/**
 * One {@link GradientTest} invocation: one op at one shape set and seed. The check runs before the
 * test method (after {@code @BeforeEach}) and fails it with an {@code AssertionFailedError}; the
 * method may take the op, the {@link CheckReport} and a {@link GradChecker} as parameters.
 */
final class GradientInvocation implements TestTemplateInvocationContext, BeforeTestExecutionCallback,
        ParameterResolver {
    private final GradChecker checker;
    private final GradientTestExtension.Supplied supplied;
    private final long seed;
    private final int[][] set;
    private final String display;
    private final String header;
    private DifferentiableFunction op;
    private CheckReport report;

    GradientInvocation(GradChecker checker, GradientTestExtension.Supplied supplied, long seed, int[][] set,
            String display, String header) {
        this.checker = checker;
        this.supplied = supplied;
        this.seed = seed;
        this.set = set;
        this.display = display;
        this.header = header;
    }

    @Override
    public String getDisplayName(int invocationIndex) {
        return display;
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
        return List.of(this);
    }

    private DifferentiableFunction op() {
        if (op == null) {
            op = supplied.get();
        }
        return op;
    }

    private CheckReport report() {
        if (report == null) {
            report = checker.checkAt(op(), supplied.named ? supplied.name : null, seed, set);
        }
        return report;
    }

    /**
     * Fails the test when the check failed: the trace leads with the op's backward and the test
     * method (the check runs before the method body, so neither is on the stack), and the full
     * report is published as a file of the test (JUnit's file entries) besides being saved.
     */
    @Override
    public void beforeTestExecution(ExtensionContext context) {
        CheckReport r = report();
        if (r.passed()) {
            return;
        }
        String text = r.toText();
        try {
            context.publishFile("gradcheck-report.txt", MediaType.TEXT_PLAIN_UTF_8,
                    p -> Files.writeString(p, text, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            // no output directory configured for file entries: the saved copy is named in the message
        }
        Class<?> opClass = op().getClass();
        StackTraceElement backward = frame(opClass, "backward");
        StackTraceElement test = context.getTestMethod().map(m -> frame(m.getDeclaringClass(), m.getName()))
                .orElse(null);
        GradChecker.assertPassed(r, header, test == null ? new StackTraceElement[] {backward}
                : new StackTraceElement[] {backward, test});
    }

    /** A frame naming a method of a class, its source file guessed from the top-level class (no line). */
    private static StackTraceElement frame(Class<?> c, String method) {
        Class<?> top = c;
        while (top.getEnclosingClass() != null) {
            top = top.getEnclosingClass();
        }
        String simple = top.getSimpleName();
        int lambda = simple.indexOf("$$");
        return new StackTraceElement(c.getName(), method, (lambda >= 0 ? simple.substring(0, lambda) : simple) + ".java",
                -1);
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        Class<?> t = pc.getParameter().getType();
        return t == CheckReport.class || t == GradChecker.class
                || DifferentiableFunction.class.isAssignableFrom(t) && t.isInstance(op());
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        Class<?> t = pc.getParameter().getType();
        if (t == CheckReport.class) {
            return report();
        }
        if (t == GradChecker.class) {
            GradChecker g = checker.seed(seed);
            return set != null ? g.shapes(set) : g;
        }
        return op();
    }
}
