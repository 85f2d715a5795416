package dev.gradcheck.junit;

import dev.gradcheck.CheckReport;
import dev.gradcheck.DifferentiableFunction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
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
     * Fails the test when the check failed: the trace leads with the op's code where it went wrong
     * ({@link FaultSite}: the line that threw or looped, else the method the failure names) and the
     * test method (the check runs before the method body, so neither is on the stack), and the full
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
        StackTraceElement site = FaultSite.of(r.checks().get(0), op().getClass(), set != null);
        StackTraceElement test = context.getTestMethod().map(m -> FaultSite.frame(m.getDeclaringClass(), m.getName()))
                .orElse(null);
        GradChecker.assertPassed(r, header, Stream.of(site, test).filter(Objects::nonNull)
                .toArray(StackTraceElement[]::new));
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
