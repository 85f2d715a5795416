package dev.gradcheck.junit;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.Mode;
import dev.gradcheck.Scheme;
import dev.gradcheck.Tolerance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.DoubleStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * The settings of {@link GradientTest} and {@link GradCheckSettings} merged: the first layer that
 * sets a value wins (the test's annotation, then method settings, then class settings), unset
 * values fall back to the defaults. Each layer's values are checked as it is read, so a value that
 * makes no sense (a count of 0, a negative tolerance) fails with its attribute named, never runs
 * as something else. Turns them into a {@link GradChecker}.
 */
final class Settings {
    private static final int DEFAULT_COUNT = 3;
    /** Each seed is an invocation of its own, held in memory before the first runs: count = Integer.MAX_VALUE would end the JVM. */
    private static final int MAX_COUNT = 100_000;
    private static final long UNSET = GradientTest.UNSET;

    /** Which seeds: {@code seeds}, or {@code count} seeds 0, 1, …; one setting (the first layer giving either wins). */
    long[] seeds;
    int count = GradientTest.UNSET;
    String[] shapes = new String[0];
    String mode = "";
    String scheme = "";
    String tolerance = "";
    double atol = Double.NaN;
    double rtol = Double.NaN;
    double eps = Double.NaN;
    int threads = GradientTest.UNSET;
    long timeoutMillis = GradientTest.UNSET;
    double[] magnitudes = new double[0];
    String options = "";
    /** Where the settings come from, for error messages. */
    String where;

    /**
     * Checks a lower layer's values, then fills what is still unset from them.
     *
     * @param layer names the layer in messages (e.g. {@code @GradCheckSettings on MyTest}), or null for the test's own
     */
    void fill(String layer, long[] seeds, int count, String[] shapes, String mode, String scheme, String tolerance,
            double atol, double rtol, double eps, int threads, long timeoutMillis, double[] magnitudes, String options) {
        validate(layer, seeds, count, atol, rtol, eps, threads, timeoutMillis, magnitudes);
        if (this.seeds == null && this.count == UNSET) {
            this.seeds = seeds.length > 0 ? seeds.clone() : null;
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
        this.threads = this.threads == UNSET ? threads : this.threads;
        this.timeoutMillis = this.timeoutMillis == UNSET ? timeoutMillis : this.timeoutMillis;
        this.magnitudes = this.magnitudes.length == 0 ? magnitudes.clone() : this.magnitudes;
        this.options = this.options.isEmpty() ? options : this.options;
    }

    void fill(GradientTest a) {
        fill(null, a.seeds(), a.count(), a.shapes(), a.mode(), a.scheme(), a.tolerance(), a.atol(), a.rtol(), a.eps(),
                a.threads(), a.timeoutMillis(), a.magnitudes(), a.options());
    }

    void fill(GradCheckSettings a, String layer) {
        fill(layer, a.seeds(), a.count(), a.shapes(), a.mode(), a.scheme(), a.tolerance(), a.atol(), a.rtol(), a.eps(),
                a.threads(), a.timeoutMillis(), a.magnitudes(), a.options());
    }

    /** The numbers that make no sense, each with its attribute and value named. */
    private void validate(String layer, long[] seeds, int count, double atol, double rtol, double eps, int threads,
            long timeoutMillis, double[] magnitudes) {
        String in = layer == null ? "" : " (" + layer + ")";
        if (seeds.length > 0 && count != UNSET) {
            throw invalid("seeds = " + list(seeds) + " and count = " + count + in + ": give one of them (count "
                    + "stands for seeds = {0, …, count - 1})");
        }
        Set<Long> seen = new HashSet<>();
        for (long s : seeds) {
            if (!seen.add(s)) {
                throw invalid("seeds = " + list(seeds) + in + ": seed " + s + " is given twice");
            }
        }
        if (count != UNSET && count < 1) {
            throw invalid("count = " + count + in + ": must be at least 1 (it checks seeds 0 … count - 1)");
        }
        if (count > MAX_COUNT) {
            throw invalid("count = " + count + in + ": at most " + MAX_COUNT + " (each seed is a test of its own; for "
                    + "more, check seeds in a loop with GradChecker)");
        }
        requireNonNegative("atol", atol, in);
        requireNonNegative("rtol", rtol, in);
        if (!Double.isNaN(eps) && (!(eps > 0) || Double.isInfinite(eps))) {
            throw invalid("eps = " + eps + in + ": must be a positive finite number (the relative step)");
        }
        if (threads != UNSET && threads < 1) {
            throw invalid("threads = " + threads + in + ": must be at least 1");
        }
        if (timeoutMillis != UNSET && timeoutMillis < 1) {
            throw invalid("timeoutMillis = " + timeoutMillis + in + ": must be at least 1 (milliseconds)");
        }
        for (double m : magnitudes) {
            if (!(m > 0) || Double.isInfinite(m)) {
                throw invalid("magnitudes = " + list(magnitudes) + in + ": " + m + " is not a positive finite number");
            }
        }
    }

    private void requireNonNegative(String attribute, double v, String in) {
        if (!Double.isNaN(v) && (!(v >= 0) || Double.isInfinite(v))) {
            throw invalid(attribute + " = " + v + in + ": must be a finite number, 0 or more");
        }
    }

    long[] seeds() {
        if (seeds != null) {
            return seeds.clone();
        }
        return LongStream.range(0, count == UNSET ? DEFAULT_COUNT : count).toArray();
    }

    /** The checker these settings describe; the {@code options} member is read from {@code testClass} (or {@code instance}, may be null). */
    GradChecker checker(Class<?> testClass, Object instance) {
        GradChecker g = GradChecker.defaults();
        CheckOptions o = g.options();
        if (!options.isEmpty()) {
            Object base = member(testClass, options, "options", instance);
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
                o = o.withTolerance(tolerance());
            }
            if (!Double.isNaN(atol) || !Double.isNaN(rtol)) {
                Tolerance t = o.tolerance();
                o = o.withTolerance(t.with(Double.isNaN(atol) ? t.atol() : atol, Double.isNaN(rtol) ? t.rtol() : rtol));
            }
            if (!Double.isNaN(eps)) {
                o = o.withEps(eps);
            }
            if (threads != UNSET) {
                o = o.withThreads(threads);
            } else if (options.isEmpty()) {
                o = o.withThreads(1);
            }
            if (magnitudes.length > o.draws()) {
                throw invalid("magnitudes = " + list(magnitudes) + ": " + magnitudes.length + " magnitudes for "
                        + o.draws() + " draws (one magnitude per draw, in turn): give at most " + o.draws()
                        + ", or more draws in options (CheckOptions.withDraws)");
            }
            if (magnitudes.length > 0) {
                o = o.withMagnitudes(magnitudes);
            }
            g = g.options(o).seeds(seeds());
            if (shapes.length > 0) {
                g = g.shapes(shapes);
            }
            if (timeoutMillis != UNSET) {
                g = g.timeout(Duration.ofMillis(timeoutMillis));
            }
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        return g;
    }

    private Tolerance tolerance() {
        try {
            return Tolerance.named(tolerance.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tolerance = \"" + tolerance + "\": expected pytorch or model", e);
        }
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

    /** {@code {1, 2}}, as the annotation is written. */
    private static String list(long[] values) {
        return LongStream.of(values).mapToObj(Long::toString).collect(Collectors.joining(", ", "{", "}"));
    }

    private static String list(double[] values) {
        return DoubleStream.of(values).mapToObj(Double::toString).collect(Collectors.joining(", ", "{", "}"));
    }

    /** The member {@code ref} names ({@link Members}); a mistake in it is reported under {@link #where}. */
    Object member(Class<?> testClass, String ref, String attribute, Object instance) {
        try {
            return Members.value(testClass, ref, attribute, instance);
        } catch (ExtensionConfigurationException e) {
            throw new ExtensionConfigurationException(where + ": " + e.getMessage(), e.getCause());
        }
    }

    ExtensionConfigurationException invalid(String why) {
        return new ExtensionConfigurationException(where + ": " + why);
    }
}
