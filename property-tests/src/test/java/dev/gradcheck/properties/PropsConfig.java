package dev.gradcheck.properties;

/**
 * How long the property runs are: fixed seeds and bounded examples by default (CI), overridable by
 * system properties for a longer run by hand:
 * <pre>
 * mvn -o -B test -pl property-tests -am -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dgradcheck.props.examples=2000 -Dgradcheck.props.seed=12345 -Dgradcheck.props.op=softmax
 * </pre>
 * {@code -Dgradcheck.props.verbose=true} prints, per op and property, how many draws were checked
 * and how many skipped.
 */
public final class PropsConfig {
    /** The QuickTheories seed every property run uses unless {@code gradcheck.props.seed} is set. */
    public static final long DEFAULT_SEED = 20261124L;

    private PropsConfig() {
    }

    /** The seed: {@code -Dgradcheck.props.seed}, else {@link #DEFAULT_SEED}. */
    public static long seed() {
        String s = System.getProperty("gradcheck.props.seed");
        return s == null || s.isBlank() ? DEFAULT_SEED : Long.parseLong(s.trim());
    }

    /** Examples per property: {@code -Dgradcheck.props.examples} when set, else the property's own bound. */
    public static int examples(int defaultExamples) {
        String s = System.getProperty("gradcheck.props.examples");
        return s == null || s.isBlank() ? defaultExamples : Integer.parseInt(s.trim());
    }

    /** Only the ops whose names are listed ({@code -Dgradcheck.props.op=add,softmax}), or null for all. */
    static java.util.Set<String> opFilter() {
        String s = System.getProperty("gradcheck.props.op");
        return s == null || s.isBlank() ? null : java.util.Set.of(s.trim().split("\\s*,\\s*"));
    }

    /** The command that reruns one op's properties with the given seed. */
    static String rerunCommand(String op, long seed, int examples) {
        return "mvn -o -B test -pl property-tests -am -Dsurefire.failIfNoSpecifiedTests=false -Dtest=OpPropertiesTest"
                + " -Dgradcheck.props.op=" + op + " -Dgradcheck.props.seed=" + seed
                + " -Dgradcheck.props.examples=" + examples;
    }
}
