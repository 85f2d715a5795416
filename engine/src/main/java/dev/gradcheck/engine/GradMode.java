package dev.gradcheck.engine;

/**
 * Whether ops record the graph, per thread. Use {@link #disabled()} in a try-with-resources block
 * for a no-grad scope, as {@code torch.no_grad()}:
 *
 * <pre>{@code
 * try (GradMode.Scope s = GradMode.disabled()) {
 *     Tensor y = model.forward(x);   // no graph is recorded
 * }
 * }</pre>
 */
public final class GradMode {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.TRUE);

    private GradMode() {
    }

    /** True when ops on this thread record the graph. */
    public static boolean isEnabled() {
        return ENABLED.get();
    }

    /** Turns recording off on this thread until the returned scope closes. */
    public static Scope disabled() {
        return set(false);
    }

    /** Turns recording on or off on this thread until the returned scope closes. */
    public static Scope set(boolean enabled) {
        boolean previous = ENABLED.get();
        ENABLED.set(enabled);
        return () -> ENABLED.set(previous);
    }

    /** A scope that restores the previous mode when closed. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
