package dev.gradcheck;

import dev.gradcheck.internal.Checker;
import dev.gradcheck.internal.UserCodeException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.SplittableRandom;

/**
 * Checks a list of {@link CustomOp}s, each at its {@link CustomOp#inputShapes()} with seeded
 * standard-normal inputs, into one report with one check per op (named by {@code name()}, its
 * per-input results nested under {@code inputs}); and discovers ops with {@link ServiceLoader}.
 * An op that throws is reported with status {@code error} and checking goes on with the next.
 *
 * <pre>{@code
 * CheckReport r = CustomOpCheck.run(CustomOpCheck.discover(Path.of("my-ops.jar")),
 *         CheckOptions.defaults().withCommand("ops"));
 * }</pre>
 */
public final class CustomOpCheck {
    private CustomOpCheck() {
    }

    /** Checks every op; one check per op, in the given order. */
    public static CheckReport run(List<? extends CustomOp> ops, CheckOptions options) {
        long t0 = options.clock().getAsLong();
        List<CheckResult> checks = new ArrayList<>();
        for (CustomOp op : ops) {
            checks.add(check(op, options));
        }
        double ms = (options.clock().getAsLong() - t0) / 1e6;
        return new CheckReport(options.command(), options.seed(), ms, checks);
    }

    /** Checks one op into an op-level result with nested per-input results. */
    public static CheckResult check(CustomOp op, CheckOptions options) {
        String name;
        try {
            name = op.name();
        } catch (RuntimeException e) {
            name = op.getClass().getName();
        }
        CheckResult.Builder b = CheckResult.builder(name).seed(options.seed()).mode(options.mode())
                .scheme(options.scheme()).tolerance(options.tolerance());
        String template = options.reproduce() != null ? options.reproduce()
                : "CustomOpCheck.run(List.of(op), CheckOptions.defaults().withSeed({seed})) // op '{name}' ("
                        + op.getClass().getName() + ")";
        String reproduce = template.replace("{name}", name).replace("{seed}", Long.toString(options.seed()));
        b.reproduce(reproduce);
        int[][] shapes;
        try {
            shapes = op.inputShapes();
            if (shapes == null) {
                throw new IllegalStateException("inputShapes() returned null");
            }
            for (int[] s : shapes) {
                for (int d : s) {
                    if (d < 0) {
                        throw new IllegalStateException("inputShapes() has a negative dimension: " + java.util.Arrays.toString(s));
                    }
                }
            }
        } catch (RuntimeException e) {
            return b.status(Status.ERROR).error(UserCodeException.describe("inputShapes()", e), e).build();
        }
        SplittableRandom rng = new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + name.hashCode());
        double[][] x = new double[shapes.length][];
        String[] names = new String[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            long n = 1;
            for (int d : shapes[i]) {
                n *= d;
            }
            x[i] = new double[(int) n];
            for (int k = 0; k < x[i].length; k++) {
                x[i][k] = rng.nextGaussian();
            }
            names[i] = "input" + i;
        }
        CheckOptions inner = options.withReproduce(reproduce);
        List<CheckResult> inputs = Checker.check(op, x, shapes, names, inner);
        return aggregate(b, inputs).build();
    }

    /**
     * An op-level result summarising per-input (or per-draw) results nested under it, as the
     * {@code ops} report wants: the worst status, the largest errors, the worst input's entries
     * and its diagnosis prefixed with its name. For callers that check ops another way (e.g.
     * registry ops through {@link GradCheck#of(java.util.function.Function)}).
     */
    public static CheckResult summarise(String name, List<CheckResult> inputs, CheckOptions options) {
        CheckResult.Builder b = CheckResult.builder(name).seed(options.seed()).mode(options.mode())
                .scheme(options.scheme()).tolerance(options.tolerance());
        if (options.reproduce() != null) {
            b.reproduce(options.reproduce().replace("{name}", name).replace("{seed}", Long.toString(options.seed())));
        }
        return aggregate(b, inputs).build();
    }

    /** The op-level summary of per-input results: the worst status, largest errors, the worst input's entries. */
    static CheckResult.Builder aggregate(CheckResult.Builder b, List<CheckResult> inputs) {
        Status status = Status.SKIPPED;
        for (CheckResult r : inputs) {
            status = Status.worse(status, r.status());
        }
        CheckResult worst = null;
        for (CheckResult r : inputs) {
            if (r.status() == status) {
                worst = r;
                break;
            }
        }
        double maxAbs = 0;
        double maxRel = 0;
        long entries = 0;
        for (CheckResult r : inputs) {
            maxAbs = Double.isNaN(maxAbs) || Double.isNaN(r.maxAbsError()) ? Double.NaN : Math.max(maxAbs, r.maxAbsError());
            maxRel = Double.isNaN(maxRel) || Double.isNaN(r.maxRelError()) ? Double.NaN : Math.max(maxRel, r.maxRelError());
            entries += r.entriesChecked();
        }
        b.status(status).maxAbsError(maxAbs).maxRelError(maxRel).entriesChecked(entries).inputs(inputs);
        if (inputs.isEmpty()) {
            b.error("the op has no inputs", null);
        } else if (worst != null) {
            b.worst(worst.worst());
            if (worst.diagnosis() != null) {
                b.diagnosis("input '" + worst.name() + "': " + worst.diagnosis());
            }
            if (worst.error() != null) {
                b.error("input '" + worst.name() + "': " + worst.error(), worst.cause());
            }
        }
        return b;
    }

    /** Every {@link CustomOp} registered under {@code META-INF/services/dev.gradcheck.CustomOp} visible to {@code loader}. */
    public static List<CustomOp> discover(ClassLoader loader) {
        List<CustomOp> ops = new ArrayList<>();
        Iterator<CustomOp> it = ServiceLoader.load(CustomOp.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                ops.add(it.next());
            } catch (ServiceConfigurationError e) {
                throw new IllegalArgumentException("cannot load a CustomOp: " + e.getMessage(), e);
            }
        }
        return ops;
    }

    /**
     * The {@link CustomOp}s a jar registers (its own services file only, not those of the
     * classpath), loaded in a class loader whose parent sees this library.
     *
     * @throws IllegalArgumentException naming the jar when it is missing, unreadable or a provider fails to load
     */
    public static List<CustomOp> discover(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(jar + ": no such jar file");
        }
        URL url;
        try {
            url = jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(jar + ": " + e.getMessage(), e);
        }
        // not closed: the ops load further classes lazily while they are checked
        URLClassLoader loader = new URLClassLoader(new URL[] {url}, CustomOp.class.getClassLoader());
        try {
            List<CustomOp> all = discover(loader);
            List<CustomOp> own = new ArrayList<>();
            for (CustomOp op : all) {
                if (op.getClass().getClassLoader() == loader) {
                    own.add(op);
                }
            }
            return own;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(jar + ": " + e.getMessage(), e.getCause());
        }
    }
}
