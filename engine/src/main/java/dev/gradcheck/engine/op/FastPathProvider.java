package dev.gradcheck.engine.op;

/**
 * Installs fast paths over registered ops, found with {@link java.util.ServiceLoader} the first
 * time an op runs: a module of fast kernels (such as {@code gradcheck-kernels}) lists its provider
 * in {@code META-INF/services/dev.gradcheck.engine.op.FastPathProvider} (and {@code provides} it in
 * its {@code module-info}), so that having it on the class path or module path is enough.
 */
public interface FastPathProvider {
    /** Installs this provider's fast paths with {@link FastPaths#install}. */
    void install();
}
