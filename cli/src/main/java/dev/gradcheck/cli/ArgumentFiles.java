package dev.gradcheck.cli;

import dev.gradcheck.engine.io.FileKinds;
import dev.gradcheck.report.TerminalText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks picocli's argument files ({@code gradcheck @args.txt}) before picocli reads them, with
 * the rule every other input follows: regular files only, of bounded size. picocli opens whatever
 * an {@code @name} argument names and reads it to the end, so {@code @/dev/zero} ran until the heap
 * was gone and {@code @fifo} blocked forever; an argument file can name further argument files,
 * and a file name that starts with {@code @} can reach the command line through a shell glob.
 * A word inside a file that looks like an argument file is checked too (quoted or not), whether or
 * not picocli would take it as one: a false alarm costs a clear message, a miss a hang.
 */
final class ArgumentFiles {
    /** Largest argument file read, in bytes. */
    static final int MAX_BYTES = 1 << 20;
    /** Deepest chain of argument files naming argument files. */
    static final int MAX_DEPTH = 8;

    private static final Pattern AT_WORD = Pattern.compile("(?:^|[\\s'\"])@([^\\s'\"]+)");

    private ArgumentFiles() {
    }

    /**
     * Checks each {@code @file} argument, and the ones they name.
     *
     * @throws UsageException naming the file when one is not a regular file, is over
     *     {@link #MAX_BYTES}, or argument files nest deeper than {@link #MAX_DEPTH}
     */
    static void check(String[] args) {
        Set<Path> seen = new HashSet<>();
        for (String a : args) {
            if (a.startsWith("@") && !a.startsWith("@@")) {
                inspect(a.substring(1), 1, seen);
            }
        }
    }

    private static void inspect(String name, int depth, Set<Path> seen) {
        Path file;
        try {
            file = Path.of(name);
        } catch (InvalidPathException e) {
            return; // no such file: picocli keeps the word as it is
        }
        if (name.isEmpty() || !Files.exists(file) || !seen.add(file.toAbsolutePath().normalize())) {
            return; // picocli keeps a missing file's word as it is, and reads a file once
        }
        String shown = "@" + TerminalText.escape(name);
        if (depth > MAX_DEPTH) {
            throw new UsageException(shown + ": argument files nest more than " + MAX_DEPTH + " deep");
        }
        if (!Files.isRegularFile(file)) {
            throw new UsageException(shown + ": an argument file must be a regular file; this is "
                    + FileKinds.describe(file, true));
        }
        byte[] text;
        try (InputStream in = Files.newInputStream(file)) {
            // read, not sized: /proc files say 0 bytes and hold more
            text = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new UsageException(shown + ": cannot read the argument file: " + TerminalText.escape(e.getMessage()));
        }
        if (text.length > MAX_BYTES) {
            throw new UsageException(shown + ": an argument file of more than " + MAX_BYTES + " bytes");
        }
        Matcher m = AT_WORD.matcher(new String(text, StandardCharsets.UTF_8));
        while (m.find()) {
            if (!m.group(1).startsWith("@")) {
                inspect(m.group(1), depth + 1, seen);
            }
        }
    }
}
