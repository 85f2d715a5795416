package dev.gradcheck.junit;

import dev.gradcheck.report.Failures;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.opentest4j.AssertionFailedError;

/**
 * The one failed test, named by its class, that stands for a {@code discover = true} provider that
 * could not be loaded or made ({@link Providers}), while the other providers' ops are checked.
 */
final class UnmadeProvider implements TestTemplateInvocationContext, BeforeTestExecutionCallback {
    private final Providers.Found found;
    private final String where;

    /** @param where the template, e.g. {@code @GradientTest on OpsTest.registered()} */
    UnmadeProvider(Providers.Found found, String where) {
        this.found = found;
        this.where = where;
    }

    @Override
    public String getDisplayName(int invocationIndex) {
        return "provider " + (found.className() != null ? found.className() : "(unnamed)");
    }

    @Override
    public List<Extension> getAdditionalExtensions() {
        return List.of(this);
    }

    /** Fails before the method body runs: the trace leads with the provider's line that threw or looped, and the test method. */
    @Override
    public void beforeTestExecution(ExtensionContext context) {
        String message = where + ": discover = true: " + (found.className() != null ? "provider " + found.className()
                : "a provider") + " (listed in " + Providers.SERVICES + ") " + found.problem()
                + "; the other providers are checked";
        StackTraceElement site = found.type() == null || found.cause() == null ? null
                : FaultSite.userFrame(found.cause().getStackTrace(), found.type());
        StackTraceElement test = context.getTestMethod().map(m -> FaultSite.frame(m.getDeclaringClass(), m.getName()))
                .orElse(null);
        throw Failures.trimmed(new AssertionFailedError(message, found.cause()),
                Stream.of(site, test).filter(Objects::nonNull).toArray(StackTraceElement[]::new));
    }
}
