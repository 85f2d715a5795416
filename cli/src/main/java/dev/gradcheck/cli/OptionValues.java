package dev.gradcheck.cli;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The documented values of an option typed by one of the library's enums: the constants' names
 * in lower case ({@code five_point} for {@code FIVE_POINT}), as help and docs/cli.md list them.
 * The options parse case-insensitively ({@link Main} turns that on for every command), so both
 * spellings are accepted. A subclass per option names its enum's constants
 * ({@code completionCandidates} takes a class).
 */
abstract class OptionValues implements Iterable<String> {
    private final List<String> names = new ArrayList<>();

    OptionValues(Enum<?>... constants) {
        for (Enum<?> c : constants) {
            names.add(of(c));
        }
    }

    /** How the command line spells {@code constant}. */
    static String of(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public Iterator<String> iterator() {
        return names.iterator();
    }
}
