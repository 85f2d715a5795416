package dev.gradcheck.cli.ops;

import dev.gradcheck.CustomOp;
import dev.gradcheck.cli.InvalidInputException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The user's class path of {@code ops --jar}: every {@code --jar FILE} and every entry of every
 * {@code --classpath PATH} (jars and folders; {@code dir/*} for the jars in a folder), in the order
 * given, all in one class loader per run. The ops checked are those the entries register in
 * {@code META-INF/services/dev.gradcheck.CustomOp}; the other entries are their dependencies.
 *
 * <p>The checking process reads the services files without loading a class ({@link #providers()});
 * only the JVM that checks the ops builds the class loader ({@link #loader(ClassLoader)}).
 */
public final class UserClassPath {
    /** The services file of the SPI, as {@link java.util.ServiceLoader} reads it. */
    static final String SERVICES = "META-INF/services/" + CustomOp.class.getName();
    /** A services file is a list of class names: more than this is not one. */
    private static final int MAX_SERVICES_BYTES = 1 << 20;

    private final List<Path> jars;
    private final List<String> classPaths;
    private final List<Path> entries;

    private UserClassPath(List<Path> jars, List<String> classPaths, List<Path> entries) {
        this.jars = List.copyOf(jars);
        this.classPaths = List.copyOf(classPaths);
        this.entries = List.copyOf(entries);
    }

    /**
     * The class path of {@code --jar} files and {@code --classpath} lists (separated by
     * {@link File#pathSeparator}), checked: every jar a readable zip file, every other entry a
     * folder or a zip file.
     *
     * @throws InvalidInputException naming the entry that is missing or not a jar or folder
     */
    public static UserClassPath of(List<Path> jars, List<String> classPaths) {
        List<Path> entries = new ArrayList<>();
        for (Path jar : jars) {
            if (Files.isDirectory(jar)) {
                throw new InvalidInputException(jar, "is a folder, not a jar file (give folders with --classpath)");
            }
            entries.add(checkedJar(jar));
        }
        for (String list : classPaths) {
            for (String item : list.split(File.pathSeparator)) {
                if (item.isEmpty()) {
                    continue;
                }
                if (item.endsWith("*") && (item.length() == 1 || isSeparator(item.charAt(item.length() - 2)))) {
                    entries.addAll(jarsIn(Path.of(item.length() == 1 ? "." : item.substring(0, item.length() - 1))));
                } else {
                    Path p = Path.of(item);
                    entries.add(Files.isDirectory(p) ? p : checkedJar(p));
                }
            }
        }
        return new UserClassPath(jars, classPaths, entries);
    }

    /** The jars, folders and jars of folders, in class path order. */
    public List<Path> entries() {
        return entries;
    }

    /**
     * The op classes the entries register, in class path order and file order, each once (as
     * {@link java.util.ServiceLoader} lists them), read without loading any class.
     *
     * @throws InvalidInputException when a services file cannot be read or is absurdly large
     */
    public List<String> providers() {
        Set<String> names = new LinkedHashSet<>();
        for (Path entry : entries) {
            String text = services(entry);
            if (text == null) {
                continue;
            }
            for (String line : text.split("\r?\n|\r")) {
                int hash = line.indexOf('#');
                String name = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return new ArrayList<>(names);
    }

    /** The exit-3 error of a class path that registers no op. */
    public InvalidInputException registersNoOp() {
        String how = "(it needs a file " + SERVICES + " listing the op classes, one per line)";
        Path first = entries.isEmpty() ? Path.of(".") : entries.get(0);
        return new InvalidInputException(first, entries.size() <= 1 ? "registers no CustomOp " + how
                : "no entry of the class path (" + entries.size() + " jars and folders) registers a CustomOp " + how);
    }

    /**
     * A class loader of the entries whose parent gives {@code dev.gradcheck.*} from
     * {@code toolLoader} (the SPI the ops implement) and everything else from the platform: the
     * user's libraries are their own versions, not the tool's (the parent is asked first, as usual).
     */
    public URLClassLoader loader(ClassLoader toolLoader) {
        URL[] urls = new URL[entries.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = entries.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException(entries.get(i) + ": " + e.getMessage(), e);
            }
        }
        return new URLClassLoader("gradcheck-user-ops", urls, new SpiFirstLoader(toolLoader));
    }

    /**
     * The options that give this class path, shell-quoted, for reproduce lines:
     * {@code --jar ops.jar --classpath 'lib/*'}.
     */
    public String flags() {
        StringBuilder sb = new StringBuilder();
        for (Path j : jars) {
            sb.append(sb.length() == 0 ? "" : " ").append("--jar ").append(ShellQuote.quote(j.toString()));
        }
        for (String c : classPaths) {
            sb.append(sb.length() == 0 ? "" : " ").append("--classpath ").append(ShellQuote.quote(c));
        }
        return sb.toString();
    }

    private static boolean isSeparator(char c) {
        return c == '/' || c == File.separatorChar;
    }

    private static List<Path> jarsIn(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new InvalidInputException(folder, "no such folder (a --classpath entry dir/* names the jars in dir)");
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(folder, "*.{jar,JAR}")) {
            jars.forEach(found::add);
        } catch (IOException e) {
            throw new InvalidInputException(folder, "cannot list the folder: " + e.getMessage(), e);
        }
        found.sort(null);
        List<Path> checked = new ArrayList<>();
        for (Path p : found) {
            checked.add(checkedJar(p));
        }
        return checked;
    }

    private static Path checkedJar(Path jar) {
        if (!Files.exists(jar)) {
            throw new InvalidInputException(jar, "no such jar file");
        }
        if (!Files.isRegularFile(jar)) {
            throw new InvalidInputException(jar, "not a jar file (a jar is a regular file)");
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return jar;
        } catch (ZipException e) {
            throw new InvalidInputException(jar, "not a jar (zip) file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new InvalidInputException(jar, "cannot read the jar: " + e.getMessage(), e);
        }
    }

    /** The entry's services file as text, or null when it has none. */
    private static String services(Path entry) {
        try {
            if (Files.isDirectory(entry)) {
                Path file = entry.resolve(SERVICES);
                if (!Files.isRegularFile(file)) {
                    return null;
                }
                if (Files.size(file) > MAX_SERVICES_BYTES) {
                    throw tooLarge(entry);
                }
                return Files.readString(file, StandardCharsets.UTF_8);
            }
            try (ZipFile zip = new ZipFile(entry.toFile())) {
                ZipEntry e = zip.getEntry(SERVICES);
                if (e == null) {
                    return null;
                }
                try (InputStream in = zip.getInputStream(e)) {
                    byte[] bytes = in.readNBytes(MAX_SERVICES_BYTES + 1);
                    if (bytes.length > MAX_SERVICES_BYTES) {
                        throw tooLarge(entry);
                    }
                    return new String(bytes, StandardCharsets.UTF_8);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new InvalidInputException(entry, "cannot read " + SERVICES + ": " + e.getMessage(), e);
        }
    }

    private static InvalidInputException tooLarge(Path entry) {
        return new InvalidInputException(entry, SERVICES + " is over " + MAX_SERVICES_BYTES
                + " bytes: not a list of class names");
    }
}
