package dev.gradcheck.junit;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.Mode;
import dev.gradcheck.Scheme;
import dev.gradcheck.Tolerance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * The settings of {@link GradientTest} and {@link GradCheckSettings} merged: the first layer that
 * sets a value wins (the test's annotation, then method settings, then class settings), unset
 * values fall back to the defaults. Turns them into a {@link GradChecker}.
 */
final class Settings {
    private static final int DEFAULT_COUNT = 3;

    long[] seeds;
    int count;
    String[] shapes = new String[0];
    String mode = "";
    String scheme = "";
    String tolerance = "";
    double atol = Double.NaN;
    double rtol = Double.NaN;
    double eps = Double.NaN;
    int threads;
    long timeoutMillis;
    String options = "";
    /** Where the settings come from, for error messages. */
    String where;

    /** Fills what is still unset from a lower layer. */
    void fill(long[] seeds, int count, String[] shapes, String mode, String scheme, String tolerance, double atol,
            double rtol, double eps, int threads, long timeoutMillis, String options) {
        if (this.seeds == null && seeds.length > 0) {
            this.seeds = seeds.clone();
        }
        if (this.count == 0) {
            this.count = count;
        }
        if (this.shapes.length == 0) {
            this.shapes = shapes.clone();
        }
        this.mode = this.mode.isEmpty() ? mode : this.mode;
        this.scheme = this.scheme.isEmpty() ? scheme : this.scheme;
        this.tolerance = this.tolerance.isEmpty() ? tolerance : this.tolerance;
        this.atol = Double.isNaN(this.atol) ? atol : this.atol;
        this.rtol = Double.isNaN(this.rtol) ? rtol : this.rtol;
        this.eps = Double.isNaN(this.eps) ? eps : this.eps;
        this.threads = this.threads == 0 ? threads : this.threads;
        this.timeoutMillis = this.timeoutMillis == 0 ? timeoutMillis : this.timeoutMillis;
        this.options = this.options.isEmpty() ? options : this.options;
    }

    void fill(GradientTest a) {
        fill(a.seeds(), a.count(), a.shapes(), a.mode(), a.scheme(), a.tolerance(), a.atol(), a.rtol(), a.eps(),
                a.threads(), a.timeoutMillis(), a.options());
    }

    void fill(GradCheckSettings a) {
        fill(a.seeds(), a.count(), a.shapes(), a.mode(), a.scheme(), a.tolerance(), a.atol(), a.rtol(), a.eps(),
                a.threads(), a.timeoutMillis(), a.options());
    }

    long[] seeds() {
        if (seeds != null) {
            return seeds.clone();
        }
        int n = count == 0 ? DEFAULT_COUNT : count;
        if (n < 0) {
            throw invalid("count = " + count + ": must be positive");
        }
        long[] s = new long[n];
        for (int k = 0; k < n; k++) {
            s[k] = k;
        }
        return s;
    }

    /** The checker these settings describe; the {@code options} member is read from {@code testClass} (or {@code instance}, may be null). */
    GradChecker checker(Class<?> testClass, Object instance) {
        GradChecker g = GradChecker.defaults();
        CheckOptions o = g.options();
        if (!options.isEmpty()) {
            Object base = Members.value(testClass, options, "options", instance);
            if (!(base instanceof CheckOptions)) {
                throw invalid("options = \"" + options + "\" gives " + (base == null ? "null" : base.getClass().getName())
                        + ", not CheckOptions");
            }
            o = (CheckOptions) base;
        }
        try {
            if (!mode.isEmpty()) {
                o = o.withMode(enumValue(Mode.class, mode, "mode", "full, fast or sampled"));
            }
            if (!scheme.isEmpty()) {
                o = o.withScheme(enumValue(Scheme.class, scheme, "scheme", "central, five_point or ridders"));
            }
            if (!tolerance.isEmpty()) {
                o = o.withTolerance(Tolerance.named(tolerance));
            }
            if (!Double.isNaN(atol) || !Double.isNaN(rtol)) {
                Tolerance t = o.tolerance();
                o = o.withTolerance(t.with(Double.isNaN(atol) ? t.atol() : atol, Double.isNaN(rtol) ? t.rtol() : rtol));
            }
            if (!Double.isNaN(eps)) {
                o = o.withEps(eps);
            }
            if (threads != 0) {
                o = o.withThreads(threads);
            } else if (options.isEmpty()) {
                o = o.withThreads(1);
            }
            g = g.options(o).seeds(seeds());
            if (shapes.length > 0) {
                g = g.shapes(shapes);
            }
            if (timeoutMillis < 0) {
                throw invalid("timeoutMillis = " + timeoutMillis + ": must be positive");
            }
            if (timeoutMillis > 0) {
                g = g.timeout(Duration.ofMillis(timeoutMillis));
            }
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        return g;
    }

    /** The shape sets, parsed (empty: the op's own). */
    List<int[][]> shapeSets() {
        List<int[][]> l = new ArrayList<>();
        for (String s : shapes) {
            try {
                l.add(ShapeSets.parse(s));
            } catch (IllegalArgumentException e) {
                throw invalid(e.getMessage());
            }
        }
        return l;
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String text, String attr, String allowed) {
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(attr + " = \"" + text + "\": expected " + allowed, e);
        }
    }

    ExtensionConfigurationException invalid(String why) {
        return new ExtensionConfigurationException(where + ": " + why);
    }
}
