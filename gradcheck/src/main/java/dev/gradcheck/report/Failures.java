package dev.gradcheck.report;

import dev.gradcheck.CheckResult;
import dev.gradcheck.EntryResult;
import dev.gradcheck.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.opentest4j.AssertionFailedError;

/**
 * The failure a test sees when a check fails, as AssertJ and opentest4j shape theirs: a message of
 * at most {@value #MAX_LINES} lines (each failing check's status, diagnosis, worst entries and
 * reproduce line, then where the full report was saved), expected = the worst entry's numeric value
 * and actual = its analytic value, and a stack trace from which gradcheck's own frames are removed,
 * so it leads with the user's code. The full text report is saved to a file: the directory of the
 * system property {@code gradcheck.reportDir}, else {@code target/gradcheck-reports} when the working
 * directory has a {@code target} folder (Maven), else {@code build/gradcheck-reports} (Gradle), else
 * the temporary directory.
 */
public final class Failures {
    /** Most lines of a failure's message. */
    public static final int MAX_LINES = 30;
    /** Worst entries shown per failing check in the message. */
    private static final int ENTRIES = 3;

    private Failures() {
    }

    /**
     * The error for a failed report (the report is saved first), its trace trimmed of gradcheck's
     * frames and led by {@code leading} (e.g. the user's op and test method; may be empty).
     *
     * @param header the message's first line, or null for "gradient check failed for …"
     */
    public static AssertionFailedError of(Report report, String header, StackTraceElement... leading) {
        Path saved = save(report, header);
        String message = message(report, header, saved);
        EntryResult worst = null;
        Throwable cause = null;
        for (CheckResult c : report.checks()) {
            if (!c.passed()) {
                worst = worst != null ? worst : firstWorst(c);
                cause = cause != null ? cause : firstCause(c);
            }
        }
        AssertionFailedError e = worst == null ? new AssertionFailedError(message, cause)
                : new AssertionFailedError(message, worst.numeric(), worst.analytic(), cause);
        return trimmed(e, leading);
    }

    /** The header "gradient check failed for 'W1' (fail), 'b' (error)". */
    static String defaultHeader(Report report) {
        List<String> failed = new ArrayList<>();
        for (CheckResult c : report.checks()) {
            if (!c.passed()) {
                failed.add("'" + c.name() + "' (" + c.status().label() + ")");
            }
        }
        return "gradient check failed for " + String.join(", ", failed);
    }

    /**
     * The short message, at most {@link #MAX_LINES} lines: the header, the failing checks as the text
     * report shows them (failing nested results only, up to {@value #ENTRIES} worst entries each,
     * fewer when that is too long, or one compact block per check: status, error, diagnosis,
     * reproduce), and the saved full report's path.
     */
    static String message(Report report, String header, Path saved) {
        List<String> lines = new ArrayList<>();
        lines.add(header != null ? header : defaultHeader(report));
        int room = MAX_LINES - 2;
        List<String> body = null;
        for (int rows : new int[] {ENTRIES, 1, 0}) {
            List<String> r = List.of(TextReport.renderFailures(report, rows).split("\n"));
            if (r.size() <= room) {
                body = r;
                break;
            }
        }
        if (body == null) {
            body = compact(report, room);
        }
        lines.addAll(body);
        int full = TextReport.render(report).split("\n").length + 1; // the saved file's lines: header and report
        lines.add(saved != null ? "full report (" + full + " lines): " + saved : "full report: TextReport.render(report)");
        return String.join("\n", lines);
    }

    /** Per failing check its status, error, diagnosis and reproduce lines, within {@code room} lines. */
    private static List<String> compact(Report report, int room) {
        List<String> out = new ArrayList<>();
        String[] text = TextReport.render(report).split("\n");
        int failing = 0;
        int shown = 0;
        for (CheckResult c : report.checks()) {
            if (c.passed()) {
                continue;
            }
            failing++;
            List<String> block = new ArrayList<>();
            block.add(TextReport.statusLine(c));
            if (c.error() != null) {
                block.add("      " + c.status().label() + ": " + c.error());
            }
            if (c.diagnosis() != null) {
                block.add("      diagnosis: " + c.diagnosis());
            }
            if (c.reproduce() != null) {
                block.add("      reproduce: " + c.reproduce());
            }
            if (out.size() + block.size() + 2 <= room) {
                out.addAll(block);
                shown++;
            }
        }
        if (shown < failing) {
            out.add("… and " + (failing - shown) + " more failing check" + (failing - shown == 1 ? "" : "s"));
        }
        out.add(text[text.length - 1]); // "1 of 3 checks failed (seed 0)"
        return out;
    }

    private static EntryResult firstWorst(CheckResult c) {
        if (!c.worst().isEmpty() && c.worst().get(0).status() == Status.FAIL) {
            return c.worst().get(0);
        }
        for (CheckResult in : c.inputs()) {
            if (!in.passed() && !in.worst().isEmpty() && in.worst().get(0).status() == Status.FAIL) {
                return in.worst().get(0);
            }
        }
        return null;
    }

    private static Throwable firstCause(CheckResult c) {
        if (c.cause() != null) {
            return c.cause();
        }
        for (CheckResult in : c.inputs()) {
            if (in.cause() != null) {
                return in.cause();
            }
        }
        return null;
    }

    /**
     * {@code t} with every frame of a gradcheck library class removed from its trace (classes
     * loaded from the same place as this one; a user's classes in packages named dev.gradcheck, such
     * as this project's tests, stay), led by {@code leading}.
     */
    public static <T extends Throwable> T trimmed(T t, StackTraceElement... leading) {
        List<StackTraceElement> kept = new ArrayList<>(List.of(leading));
        for (StackTraceElement e : t.getStackTrace()) {
            if (!isLibraryFrame(e)) {
                kept.add(e);
            }
        }
        t.setStackTrace(kept.toArray(new StackTraceElement[0]));
        return t;
    }

    private static final CodeSource LIBRARY = Failures.class.getProtectionDomain().getCodeSource();

    private static boolean isLibraryFrame(StackTraceElement e) {
        if (!e.getClassName().startsWith("dev.gradcheck.")) {
            return false;
        }
        try {
            Class<?> c = Class.forName(e.getClassName(), false, Failures.class.getClassLoader());
            CodeSource s = c.getProtectionDomain().getCodeSource();
            return LIBRARY == null ? s == null : LIBRARY.equals(s);
        } catch (ClassNotFoundException | LinkageError | SecurityException ex) {
            return false;
        }
    }

    /** The directory full reports are saved in (see the class comment). */
    static Path reportDir() {
        String p = System.getProperty("gradcheck.reportDir");
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        if (Files.isDirectory(Path.of("target"))) {
            return Path.of("target", "gradcheck-reports");
        }
        if (Files.isDirectory(Path.of("build"))) {
            return Path.of("build", "gradcheck-reports");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "gradcheck-reports");
    }

    /** Saves the full text report; its path, or null when it cannot be written. */
    public static Path save(Report report, String header) {
        String first = header != null ? header : defaultHeader(report);
        String text = first + "\n" + TextReport.render(report);
        String name = slug(first) + "-"
                + Integer.toHexString(text.hashCode()) + ".txt";
        try {
            Path dir = reportDir();
            Files.createDirectories(dir);
            Path file = dir.resolve(name);
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return file.toAbsolutePath();
        } catch (IOException | RuntimeException e) {
            return null; // the message still holds the essentials
        }
    }

    private static String slug(String s) {
        String t = s.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("_+", "_");
        return t.length() > 60 ? t.substring(0, 60) : t;
    }
}
