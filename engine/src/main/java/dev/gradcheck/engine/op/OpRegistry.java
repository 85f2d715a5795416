package dev.gradcheck.engine.op;

import dev.gradcheck.engine.ops.BuiltinOps;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The single source of truth for ops: the model loader resolves names here, {@code gradcheck ops}
 * lists and checks what is here, and the property tests iterate it, so an op is fuzzed the moment
 * it is registered.
 */
public final class OpRegistry {
    private static final Map<String, OpDef> OPS = new ConcurrentHashMap<>();

    static {
        BuiltinOps.all().forEach(OpRegistry::register);
    }

    private OpRegistry() {
    }

    /**
     * Adds an op.
     *
     * @throws IllegalArgumentException when an op of that name is already registered
     */
    public static void register(OpDef op) {
        if (OPS.putIfAbsent(op.name(), op) != null) {
            throw new IllegalArgumentException("op '" + op.name() + "' is already registered");
        }
    }

    /**
     * The op called {@code name}.
     *
     * @throws UnknownOpException listing the nearest known names
     */
    public static OpDef get(String name) {
        OpDef op = OPS.get(name);
        if (op == null) {
            throw new UnknownOpException(name, nearest(name, 3));
        }
        return op;
    }

    /** True when an op of that name is registered. */
    public static boolean contains(String name) {
        return OPS.containsKey(name);
    }

    /** Every registered op (internal helpers included), sorted by name. */
    public static List<OpDef> all() {
        return new TreeMap<>(OPS).values().stream().collect(Collectors.toUnmodifiableList());
    }

    /** The ops a user writes (not the internal helpers), sorted by name. */
    public static List<OpDef> publicOps() {
        return all().stream().filter(o -> !o.internal()).collect(Collectors.toUnmodifiableList());
    }

    /** Up to {@code k} registered names nearest to {@code name} ({@link NearestNames#distance edit distance}, then prefix). */
    public static List<String> nearest(String name, int k) {
        Collection<String> names = OPS.keySet();
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return names.stream()
                .sorted(Comparator.<String>comparingInt(n -> NearestNames.distance(lower, n))
                        .thenComparing(n -> n.startsWith(lower) || lower.startsWith(n) ? 0 : 1)
                        .thenComparing(Comparator.naturalOrder()))
                .filter(n -> NearestNames.distance(lower, n) <= Math.max(3, n.length() / 2) || n.contains(lower) || lower.contains(n))
                .limit(k)
                .collect(Collectors.toList());
    }
}
