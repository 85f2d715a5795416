package dev.gradcheck.junit;

import dev.gradcheck.CustomOp;
import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.TimeLimits;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit Jupiter extension behind {@link GradientTest} (one invocation per op, shape set and
 * seed) and {@link GradCheckSettings} (a configured {@link GradChecker} for {@code @Test} method
 * parameters). Registered by those annotations; {@code @ExtendWith(GradientTestExtension.class)}
 * alone gives {@code @Test} methods a default-configured {@code GradChecker}.
 */
@SuppressWarnings("exports") // JUnit comes with the tests that use this (an optional dependency)
public final class GradientTestExtension implements TestTemplateInvocationContextProvider, ParameterResolver {
    /** Made by JUnit for {@code @GradientTest} (through {@code @ExtendWith}). */
    public GradientTestExtension() {
    }

    /** The longest the display-name probe (an op's {@code name()} and {@code inputShapes()}) may take. */
    private static final Duration PROBE_LIMIT = Duration.ofSeconds(5);

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(m -> AnnotationSupport.isAnnotated(m, GradientTest.class)).orElse(false);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        Method m = context.getRequiredTestMethod();
        Class<?> testClass = context.getRequiredTestClass();
        GradientTest a = AnnotationSupport.findAnnotation(m, GradientTest.class).orElseThrow();
        Settings s = new Settings();
        s.where = "@GradientTest on " + describe(m);
        s.fill(a);
        layers(m, testClass, s);
        GradChecker checker = s.checker(testClass, context.getTestInstance().orElse(null));
        List<int[][]> sets = s.shapeSets();
        List<Supplied> ops = ops(a, m, testClass, s, context.getTestInstance().orElse(null), checker.timeout());
        boolean several = ops.size() > 1;
        List<TestTemplateInvocationContext> out = new ArrayList<>();
        for (Supplied op : ops) {
            if (op.unmade != null) {
                out.add(new UnmadeProvider(op.unmade, s.where));
                continue;
            }
            DifferentiableFunction probe = op.get();
            if (!(probe instanceof CustomOp) && sets.isEmpty()) {
                throw s.invalid("'" + op.name + "' is a DifferentiableFunction without inputShapes(): give shapes = {\"[…]\"}");
            }
            Described described = describeOp(probe, op.name, checker);
            for (int[][] set : sets) {
                String wrong = ShapeSets.countMismatch(set, described.shapes(), described.name());
                if (wrong != null) {
                    throw s.invalid(wrong);
                }
            }
            String declared = described.shapes() == null ? null : ShapeSets.format(described.shapes());
            for (int[][] set : sets.isEmpty() ? java.util.Collections.<int[][]>singletonList(null) : sets) {
                String shapeText = set != null ? ShapeSets.format(set) : declared;
                for (long seed : checker.seeds()) {
                    String display = (several ? described.name() + ": " : "") + "seed " + seed
                            + (shapeText == null ? "" : ", shapes " + shapeText);
                    out.add(new GradientInvocation(checker, op, seed, set, display,
                            "gradient check of '" + described.name() + "' failed (seed " + seed
                                    + (shapeText == null ? "" : ", shapes " + shapeText) + ")"));
                }
            }
        }
        return out.stream();
    }

    /** Fills unset values from {@link GradCheckSettings} on the method, then the class and its enclosing classes. */
    private static void layers(Method m, Class<?> testClass, Settings s) {
        AnnotationSupport.findAnnotation(m, GradCheckSettings.class)
                .ifPresent(a -> s.fill(a, "@GradCheckSettings on " + describe(m)));
        classLayers(testClass, s);
    }

    private static void classLayers(Class<?> testClass, Settings s) {
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            String layer = "@GradCheckSettings on " + c.getSimpleName();
            AnnotationSupport.findAnnotation(c, GradCheckSettings.class).ifPresent(a -> s.fill(a, layer));
        }
    }

    /**
     * An op to check, made fresh for each invocation where it comes from a constructor; or a
     * provider that could not be made ({@code unmade}), one failed test in place of its checks.
     */
    static final class Supplied {
        final String name;
        final boolean named;
        private final Supplier<DifferentiableFunction> make;
        final Providers.Found unmade;

        Supplied(String name, boolean named, Supplier<DifferentiableFunction> make) {
            this(name, named, make, null);
        }

        private Supplied(String name, boolean named, Supplier<DifferentiableFunction> make, Providers.Found unmade) {
            this.name = name;
            this.named = named;
            this.make = make;
            this.unmade = unmade;
        }

        DifferentiableFunction get() {
            return make.get();
        }
    }

    private static List<Supplied> ops(GradientTest a, Method m, Class<?> testClass, Settings s, Object instance,
            Duration timeout) {
        if (!a.op().isEmpty() && a.discover()) {
            throw s.invalid("give op or discover = true, not both");
        }
        List<Supplied> ops = new ArrayList<>();
        if (!a.op().isEmpty()) {
            Object v = s.member(testClass, a.op(), "op", instance);
            String member = a.op().substring(a.op().indexOf('#') + 1);
            List<Object> items = items(v);
            for (Object o : items) {
                if (!(o instanceof DifferentiableFunction)) {
                    throw s.invalid("op = \"" + a.op() + "\" gives " + (o == null ? "null" : o.getClass().getName())
                            + ", not a CustomOp or DifferentiableFunction");
                }
                DifferentiableFunction f = (DifferentiableFunction) o;
                boolean plain = !(f instanceof CustomOp);
                String name = plain ? (items.size() == 1 ? member : member + "[" + ops.size() + "]") : null;
                ops.add(new Supplied(name, plain, () -> f));
            }
            if (ops.isEmpty()) {
                throw s.invalid("op = \"" + a.op() + "\" gives no op");
            }
            return ops;
        }
        if (a.discover()) {
            // each provider on its own: one that cannot be loaded or made is a failed test, the others are checked
            List<Providers.Found> found;
            try {
                found = Providers.find(testClass.getClassLoader(), timeout);
            } catch (IllegalStateException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                throw new ExtensionConfigurationException(s.where + ": discover = true: " + e.getMessage(), e.getCause());
            }
            for (Providers.Found f : found) {
                CustomOp op = f.op();
                ops.add(op != null ? new Supplied(null, false, () -> op) : new Supplied(null, false, null, f));
            }
            if (ops.isEmpty()) {
                throw s.invalid("discover = true found no CustomOp: list your ops in "
                        + "META-INF/services/dev.gradcheck.CustomOp (one class name per line)");
            }
            return ops;
        }
        for (Parameter p : m.getParameters()) {
            Class<?> t = p.getType();
            if (DifferentiableFunction.class.isAssignableFrom(t) && !t.isInterface()
                    && !Modifier.isAbstract(t.getModifiers())) {
                Constructor<?> c;
                try {
                    c = t.getDeclaredConstructor();
                    c.setAccessible(true);
                } catch (NoSuchMethodException | RuntimeException e) {
                    throw s.invalid("cannot make the op " + t.getName() + ": it needs a no-argument constructor, "
                            + "or name a factory with op = \"…\"");
                }
                boolean plain = !CustomOp.class.isAssignableFrom(t);
                ops.add(new Supplied(plain ? t.getSimpleName() : null, plain, () -> construct(c, s, timeout)));
                return ops;
            }
        }
        throw s.invalid("no op to check: declare a parameter of a concrete op class (e.g. swish(Swish op)), name a "
                + "static factory or field with op = \"…\", or set discover = true");
    }

    /** A fresh op from its no-argument constructor (user code: bounded by the timeout). */
    private static DifferentiableFunction construct(Constructor<?> c, Settings s, Duration timeout) {
        String cls = c.getDeclaringClass().getName();
        TimeLimits.Outcome<Object> made = UnderCheck.during("op " + cls, "made", "its constructor",
                () -> TimeLimits.attempt("gradcheck-new-" + c.getDeclaringClass().getSimpleName(), timeout,
                        c::newInstance, List::of));
        if (made.timedOut()) {
            throw s.invalid("the constructor of " + cls + " did not return within " + GradChecker.format(timeout));
        }
        Throwable e = made.thrown();
        if (e instanceof InvocationTargetException) {
            e = e.getCause();
            throw new ExtensionConfigurationException(s.where + ": the constructor of " + cls + " threw " + e, e);
        }
        if (e != null) {
            throw new ExtensionConfigurationException(s.where + ": cannot make the op " + cls + ": " + e, e);
        }
        if (made.interrupted()) {
            throw new IllegalStateException("interrupted while checking gradients");
        }
        return (DifferentiableFunction) made.value();
    }

    private static List<Object> items(Object v) {
        List<Object> l = new ArrayList<>();
        if (v instanceof Object[]) {
            l.addAll(Arrays.asList((Object[]) v));
        } else if (v instanceof Iterable) {
            for (Object o : (Iterable<?>) v) {
                l.add(o);
            }
        } else if (v instanceof Stream) {
            try (Stream<?> st = (Stream<?>) v) {
                Iterator<?> it = st.iterator();
                while (it.hasNext()) {
                    l.add(it.next());
                }
            }
        } else {
            l.add(v);
        }
        return l;
    }

    /** An op's name and its own input shapes (null when it declares none or could not say). */
    private record Described(String name, int[][] shapes) {
    }

    /**
     * The op's name and its own shapes, asked on a daemon thread with a deadline (user code); on a
     * failure or timeout the class name and null (the invocation then reports it).
     */
    private static Described describeOp(DifferentiableFunction f, String fixedName, GradChecker checker) {
        String fallback = fixedName != null ? fixedName : f.getClass().getSimpleName();
        if (!(f instanceof CustomOp)) {
            return new Described(fallback, null);
        }
        CustomOp op = (CustomOp) f;
        Duration limit = checker.timeout().compareTo(PROBE_LIMIT) < 0 ? checker.timeout() : PROBE_LIMIT;
        TimeLimits.Outcome<Described> r = UnderCheck.during("op '" + fallback + "'", "checked", "name() or inputShapes()",
                () -> TimeLimits.attempt("gradcheck-probe-" + fallback, limit, () -> {
                    String name = fixedName != null ? fixedName : op.name();
                    int[][] shapes = op.inputShapes();
                    boolean usable = shapes != null && Arrays.stream(shapes).allMatch(java.util.Objects::nonNull);
                    return new Described(name == null ? fallback : name, usable ? ShapeSets.copy(shapes) : null);
                }, List::of));
        if (r.value() != null) {
            return r.value();
        }
        return new Described(fallback, null);
    }

    private static String describe(Method m) {
        return m.getDeclaringClass().getSimpleName() + "." + m.getName() + "()";
    }

    // ---- GradChecker parameters of ordinary @Test methods

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        Optional<Method> m = ec.getTestMethod();
        return pc.getParameter().getType() == GradChecker.class
                && !(m.isPresent() && AnnotationSupport.isAnnotated(m.get(), GradientTest.class));
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        Class<?> testClass = ec.getRequiredTestClass();
        Settings s = new Settings();
        s.where = "@GradCheckSettings for " + ec.getTestMethod().map(GradientTestExtension::describe)
                .orElse(testClass.getSimpleName());
        Optional<Method> m = ec.getTestMethod();
        try {
            if (m.isPresent()) {
                layers(m.get(), testClass, s);
            } else {
                classLayers(testClass, s);
            }
            return s.checker(testClass, ec.getTestInstance().orElse(null));
        } catch (ExtensionConfigurationException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }
}
