package dev.gradcheck.internal.diagnosis;

import java.util.ArrayList;
import java.util.List;

/**
 * A named cause: its text and the kinds of the findings behind it (most specific first, e.g.
 * {@code region} then {@code sign}), as the report's {@code diagnosis} and {@code findings}.
 */
public record Diagnosis(String text, List<String> kinds) {
    public Diagnosis {
        kinds = List.copyOf(kinds);
    }

    /** One finding's diagnosis. */
    public static Diagnosis of(String kind, String text) {
        return new Diagnosis(text, List.of(kind));
    }

    /** This diagnosis followed by {@code more} (its text after "; ", its kinds after these). */
    public Diagnosis then(String joiner, Diagnosis more) {
        if (more == null) {
            return this;
        }
        List<String> k = new ArrayList<>(kinds);
        for (String s : more.kinds) {
            if (!k.contains(s)) {
                k.add(s);
            }
        }
        return new Diagnosis(text + joiner + more.text, k);
    }

    /** This diagnosis with its text prefixed (e.g. by the input and draw it was found at). */
    public Diagnosis prefixed(String prefix) {
        return new Diagnosis(prefix + text, kinds);
    }
}
