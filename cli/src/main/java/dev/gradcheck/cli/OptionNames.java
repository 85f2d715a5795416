package dev.gradcheck.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The library's messages about a rejected value name it as Java does ({@code initFactor must be
 * above 1}); a command-line user typed {@code --init-factor}. This puts the command's option name
 * in place of each Java name that is one.
 */
final class OptionNames {
    private OptionNames() {
    }

    /** camelCase identifiers anywhere; a plain word only as the message's subject ("lr must …"). */
    private static final Pattern CAMEL = Pattern.compile("(?<![\\w-])[a-z]+(?:[A-Z][a-z0-9]*)+(?![\\w-])");
    private static final Pattern SUBJECT = Pattern.compile("^([a-z]+)(?= must | \\()");

    static String inMessage(CommandSpec spec, String message) {
        if (message == null) {
            return null;
        }
        String m = replace(spec, CAMEL.matcher(message), 0);
        return replace(spec, SUBJECT.matcher(m), 1);
    }

    private static String replace(CommandSpec spec, Matcher m, int group) {
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String option = "--" + kebab(m.group(group));
            String name = spec.findOption(option) != null ? option : m.group(group);
            m.appendReplacement(out, Matcher.quoteReplacement(name));
        }
        return m.appendTail(out).toString();
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
    }
}
