package dev.gradcheck.internal;

/**
 * Seeds of the checker's random draws, mixed by SplitMix64's finaliser over the check's seed, a
 * name (an op's, an input's) and a stream number, so neighbouring seeds, names and streams give
 * independent draws. (A linear mix such as {@code seed·γ + name.hashCode()} with SplittableRandom's
 * own γ made {@code --seed s+1} draw the {@code --seed s} values shifted by one.)
 */
public final class Seeds {
    private Seeds() {
    }

    /** SplitMix64's finaliser (Stafford's variant 13): a bijection of 64-bit values with full avalanche. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The seed of stream {@code stream} of the draws named {@code name} under the check's {@code seed}. */
    public static long of(long seed, String name, long stream) {
        long h = mix64(seed);
        h = mix64(h ^ nameHash(name));
        return mix64(h + 0x9E3779B97F4A7C15L * (stream + 1));
    }

    /** FNV-1a over the name's UTF-16 units, 64 bits (String.hashCode's 32 bits collide easily). */
    private static long nameHash(String name) {
        long h = 0xCBF29CE484222325L;
        for (int k = 0; k < name.length(); k++) {
            h ^= name.charAt(k);
            h *= 0x100000001B3L;
        }
        return h;
    }
}
