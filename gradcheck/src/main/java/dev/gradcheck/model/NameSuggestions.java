package dev.gradcheck.model;

import dev.gradcheck.engine.op.NearestNames;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The model files' "did you mean": up to three known names near a name that is not known, by the
 * engine's {@link NearestNames#distance edit distance}, a name being near when at most
 * max(2, its length / 3) edits away.
 */
final class NameSuggestions {
    private NameSuggestions() {
    }

    /** {@code "; did you mean W1, W2?"}, nearest first, or {@code ""} when no name is near. */
    static String suggest(String name, List<String> known) {
        List<String> near = known.stream()
                .filter(k -> distance(k, name) <= Math.max(2, k.length() / 3))
                .sorted((a, b) -> Integer.compare(distance(a, name), distance(b, name)))
                .limit(3).collect(Collectors.toList());
        return near.isEmpty() ? "" : "; did you mean " + String.join(", ", near) + "?";
    }

    /** Edit distance, with names far apart in length or very long (untrusted input) ruled out cheaply. */
    private static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 10 || a.length() > 200 || b.length() > 200) {
            return Integer.MAX_VALUE / 2;
        }
        return NearestNames.distance(a, b);
    }
}
