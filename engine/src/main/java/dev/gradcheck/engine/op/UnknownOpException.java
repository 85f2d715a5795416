package dev.gradcheck.engine.op;

import java.util.List;

/** No op of the given name is registered; the message lists the nearest known names. */
public class UnknownOpException extends IllegalArgumentException {
    private final String requested;
    private final List<String> suggestions;

    public UnknownOpException(String requested, List<String> suggestions) {
        super("unknown op '" + requested + "'"
                + (suggestions.isEmpty() ? "" : "; did you mean " + String.join(", ", suggestions) + "?"));
        this.requested = requested;
        this.suggestions = List.copyOf(suggestions);
    }

    /** The name asked for. */
    public String requested() {
        return requested;
    }

    /** The nearest registered names, closest first. */
    public List<String> suggestions() {
        return suggestions;
    }
}
