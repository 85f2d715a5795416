package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as a user installs it (run by Maven after {@code package}, which makes the
 * zip): unpacked into an empty folder and run with nothing but Java (and the shell that runs the
 * launcher) on the PATH — never Maven — then with the usual tools, where the launcher keeps a
 * class-data archive in the cache folder it is given, survives a truncated archive and an
 * unusable cache folder, and writes nothing into the install.
 */
class DistributionIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERSION = VersionProvider.version();

    @TempDir
    Path dir;

    /** What a process left behind. */
    record Ran(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    /**
     * Only Maven's {@code distribution} execution, after {@code package}, sets the zip's path (the
     * usual test run never selects this class; {@code -Dtest=DistributionIT} selects it in both).
     */
    @BeforeAll
    static void afterPackage() {
        Assumptions.assumeTrue(System.getProperty("gradcheck.dist.zip") != null,
                "runs in the integration-test phase, once the zip is made");
    }

    private static Path zip() {
        return Path.of(System.getProperty("gradcheck.dist.zip"));
    }

    /** The names of the zip's entries. */
    private static List<String> zipEntries() throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipFile z = new ZipFile(zip().toFile())) {
            z.stream().forEach(e -> names.add(e.getName()));
        }
        return names;
    }

    @Test
    void zipHoldsTheLauncherTheJarTheCompletionAndNoTestLibraries() throws Exception {
        List<String> names = zipEntries();
        String base = "gradcheck-" + VERSION + "/";
        for (String want : List.of("bin/gradcheck", "lib/gradcheck.jar", "completion/gradcheck.bash", "README.md",
                "LICENSE", "examples/tiny-mlp.json")) {
            assertTrue(names.contains(base + want), "the zip lacks " + want + ": " + names);
        }
        Path unpacked = unzip();
        List<String> classes = new ArrayList<>();
        try (ZipFile jar = new ZipFile(unpacked.resolve("lib/gradcheck.jar").toFile())) {
            jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("org/junit/") || n.startsWith("org/quicktheories/")
                    || n.startsWith("org/apiguardian/") || n.startsWith("dev/gradcheck/junit/")
                    || n.startsWith("dev/gradcheck/generators/")).limit(5).forEach(classes::add);
        }
        assertEquals(List.of(), classes, "test libraries or test support in the shaded jar");
        String completion = Files.readString(unpacked.resolve("completion/gradcheck.bash"));
        assertTrue(completion.contains("complete -F _complete_gradcheck"), completion.substring(0, 200));
    }

    /**
     * The README ships in the zip, so every example it runs must too: each {@code examples/...}
     * file it names (the custom-op project aside: a source project built from a checkout).
     */
    @Test
    void zipHoldsEveryExampleTheReadmeNames() throws Exception {
        List<String> names = zipEntries();
        String base = "gradcheck-" + VERSION + "/";
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("examples/[A-Za-z0-9_./-]*[A-Za-z0-9_-]")
                .matcher(Files.readString(Path.of("../README.md")));
        int named = 0;
        while (m.find()) {
            String example = m.group();
            if (example.startsWith("examples/custom-op")) {
                continue;
            }
            named++;
            assertTrue(names.stream().anyMatch(n -> n.equals(base + example) || n.startsWith(base + example + "/")),
                    "the README names " + example + ", which the zip lacks");
        }
        assertTrue(named >= 10, "the README's examples were found: " + named);
    }

    @Test
    void runsACheckWithJavaAloneOnThePath() throws Exception {
        Path home = unzip();
        Path path = Files.createDirectories(dir.resolve("path"));
        Files.createSymbolicLink(path.resolve("java"), javaBinary());
        Path user = Files.createDirectories(dir.resolve("user"));
        Ran r = run(home, Map.of("PATH", path.toString(), "HOME", user.toString()),
                "check", "examples/tiny-mlp.json", "--format", "json");
        assertEquals(0, r.code(), r.toString());
        JsonNode report = JSON.readTree(r.out());
        assertEquals("check", report.get("command").asText(), r.out());
        assertTrue(report.get("passed").asBoolean(), r.out());
        assertEquals(4, report.get("checks").size(), r.out());
        assertFalse(r.err().contains("building"), "never builds: " + r.err());
        // the class-data archive too: the launcher finds the core utilities it calls without the PATH
        assertTrue(Files.isRegularFile(onlyArchive(user.resolve(".cache/gradcheck"))), r.toString());
    }

    @Test
    void writesNothingWithoutAHomeOrCacheFolder() throws Exception {
        Path home = unzip();
        Path cwd = home.resolve("examples");
        List<String> before;
        try (Stream<Path> s = Files.walk(home.getParent())) {
            before = s.map(Path::toString).sorted().toList();
        }
        Ran r = run(home, Map.of("HOME", "", "PATH", "/usr/bin:/bin"), "--version");
        assertEquals(0, r.code(), r.toString());
        assertFalse(r.err().contains("class-data archive"), r.err());
        try (Stream<Path> s = Files.walk(home.getParent())) {
            assertEquals(before, s.map(Path::toString).sorted().toList(), "nothing written beside " + cwd);
        }
    }

    @Test
    void answersSigintAsABackgroundJobOfAScript() throws Exception {
        Path home = unzip();
        // a script's background job starts with SIGINT ignored; the launcher gives it back
        String script = "bin/gradcheck check examples/bench/mlp-1m.json --format json >out.json 2>err.txt &\n"
                + "pid=$!\nsleep 4\nkill -INT $pid\nwait $pid\necho $? >code.txt\n";
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", script).directory(home.toFile());
        pb.environment().put("GRADCHECK_CDS", "0");
        Process p = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the check went on after kill -INT");
        }
        String err = Files.readString(home.resolve("err.txt"));
        assertEquals("5", Files.readString(home.resolve("code.txt")).strip(), err);
        JsonNode report = JSON.readTree(home.resolve("out.json").toFile());
        assertTrue(report.get("incomplete").asBoolean(), report::toString);
    }

    @Test
    void keepsAClassDataArchiveInTheCacheAndSurvivesABrokenOne() throws Exception {
        Path home = unzip();
        Path cache = dir.resolve("cache");
        Map<String, String> env = new HashMap<>(Map.of("PATH", pathWithoutMaven().toString(),
                "GRADCHECK_CACHE_DIR", cache.toString(),
                // every class the JVM loads, and where from, on stderr (stdout stays the report)
                "GRADCHECK_JAVA_OPTS", "-Xlog:class+load=info:stderr"));
        List<String> before = listing(home);

        Ran first = run(home, env, "check", "examples/tiny-mlp.json", "--mode", "fast");
        assertEquals(0, first.code(), first.toString());
        assertTrue(first.err().contains("preparing a class-data archive"), first.err());
        assertTrue(first.out().startsWith("model 'tiny-mlp'"), "stdout is the report alone: " + first.out());
        Path archive = onlyArchive(cache);

        Ran second = run(home, env, "check", "examples/tiny-mlp.json", "--mode", "fast");
        assertEquals(0, second.code(), second.toString());
        assertFalse(second.err().contains("preparing"), "made once: " + abbreviate(second.err()));
        assertTrue(second.err().contains("dev.gradcheck.cli.Main source: shared objects file"),
                "the second run maps gradcheck's classes from the archive: " + abbreviate(second.err()));

        // a truncated archive would crash the JVM: the launcher sees the size is wrong and makes a new one
        byte[] bytes = Files.readAllBytes(archive);
        Files.write(archive, java.util.Arrays.copyOf(bytes, bytes.length / 3));
        Ran truncated = run(home, env, "check", "examples/tiny-mlp.json", "--mode", "fast");
        assertEquals(0, truncated.code(), truncated.toString());
        assertEquals(first.out(), truncated.out());
        Path again = onlyArchive(cache);
        String name = again.getFileName().toString();
        // made again, whole: its size is the one its name records (the class list may differ a little)
        assertEquals(Long.parseLong(name.substring(name.lastIndexOf('-') + 1, name.length() - ".jsa".length())),
                Files.size(again), name);
        assertTrue(Files.size(again) > bytes.length / 2, "not the truncated one: " + Files.size(again));

        // a cache folder that cannot be made: no archive, the same report
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        env.put("GRADCHECK_CACHE_DIR", file.resolve("cache").toString());
        Ran noCache = run(home, env, "check", "examples/tiny-mlp.json", "--mode", "fast");
        assertEquals(0, noCache.code(), noCache.toString());
        assertEquals(first.out(), noCache.out());

        assertEquals(before, listing(home), "nothing written into the install");
    }

    /**
     * On Java 25 and later the archive is the JVM's ahead-of-time cache, made by a training run of
     * {@code warm-up}: a JDK of that release is looked for under /usr/lib/jvm (where this project's
     * machines keep their second JDK) or given as {@code -Dgradcheck.test.jdk25=HOME}.
     */
    @Test
    void onJava25TheArchiveIsTheAheadOfTimeCache() throws Exception {
        Path jdk = javaHomeOfRelease(25);
        Assumptions.assumeTrue(jdk != null, "no JDK 25 or later under /usr/lib/jvm, nor -Dgradcheck.test.jdk25");
        Path home = unzip();
        Path cache = dir.resolve("cache25");
        Map<String, String> env = Map.of("PATH", pathWithoutMaven().toString(), "JAVA_HOME", jdk.toString(),
                "GRADCHECK_CACHE_DIR", cache.toString(), "GRADCHECK_JAVA_OPTS", "-Xlog:class+load=info:stderr");
        Ran first = run(home, env, "check", "examples/tiny-mlp.json", "--mode", "fast");
        assertEquals(0, first.code(), first.toString());
        assertTrue(first.err().contains("preparing a class-data archive"), abbreviate(first.err()));
        Path archive = onlyArchive(cache, ".aot");
        String name = archive.getFileName().toString();
        assertEquals(Long.parseLong(name.substring(name.lastIndexOf('-') + 1, name.length() - ".aot".length())),
                Files.size(archive), name);

        Ran second = run(home, env, "check", "examples/tiny-mlp.json", "--mode", "fast");
        assertEquals(0, second.code(), second.toString());
        assertEquals(first.out(), second.out());
        assertFalse(second.err().contains("preparing"), "made once: " + abbreviate(second.err()));
        assertTrue(second.err().contains("dev.gradcheck.cli.Main source: shared objects file"),
                "the second run maps gradcheck's classes from the cache: " + abbreviate(second.err()));
        assertFalse(second.err().contains("[error]") || second.err().contains("[warning]"), abbreviate(second.err()));
    }

    /** A JDK home whose release file says {@code release} or later, or null. */
    private static Path javaHomeOfRelease(int release) throws IOException {
        String given = System.getProperty("gradcheck.test.jdk25");
        List<Path> homes = new ArrayList<>();
        if (given != null && !given.isBlank()) {
            homes.add(Path.of(given));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> d = Files.list(jvms)) {
                d.sorted().forEach(homes::add);
            }
        }
        for (Path h : homes) {
            Path file = h.resolve("release");
            if (!Files.isRegularFile(file) || !Files.isExecutable(h.resolve("bin/java"))) {
                continue;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)")
                    .matcher(Files.readString(file));
            if (m.find() && Integer.parseInt(m.group(1)) >= release) {
                return h.toRealPath();
            }
        }
        return null;
    }

    @Test
    void tarGzUnpacksToTheSameRunnableInstall() throws Exception {
        Path tgz = zip().resolveSibling("gradcheck-" + VERSION + ".tar.gz");
        Path into = Files.createDirectories(dir.resolve("tar"));
        Process p = new ProcessBuilder("tar", "-xzf", tgz.toString(), "-C", into.toString()).inheritIO().start();
        assertEquals(0, p.waitFor());
        Path home = into.resolve("gradcheck-" + VERSION);
        assertTrue(Files.isExecutable(home.resolve("bin/gradcheck")), "the launcher keeps its mode");
        Ran r = run(home, Map.of("PATH", pathWithoutMaven().toString(), "GRADCHECK_CDS", "0"), "--version");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("gradcheck " + VERSION + " ("), r.out());
        assertFalse(r.out().contains("(unknown)") && Files.exists(Path.of("..", ".git")),
                "the jar records the commit it was built from: " + r.out());
    }

    private Path unzip() throws IOException, InterruptedException {
        Path into = Files.createDirectories(dir.resolve("install"));
        if (!Files.exists(into.resolve("gradcheck-" + VERSION))) {
            // the system's unzip, as a user would: it keeps the launcher's executable mode
            Process p = new ProcessBuilder(which("unzip"), "-q", zip().toAbsolutePath().toString(), "-d", into.toString())
                    .inheritIO().start();
            assertEquals(0, p.waitFor(), "unzip");
        }
        Path home = into.resolve("gradcheck-" + VERSION);
        assertTrue(Files.isExecutable(home.resolve("bin/gradcheck")), "the launcher keeps its mode");
        return home;
    }

    private static Ran run(Path home, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin/gradcheck").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile());
        pb.environment().clear();
        pb.environment().put("HOME", home.getParent().toString());
        pb.environment().putAll(env);
        Path out = Files.createTempFile("dist-out", ".txt");
        Path err = Files.createTempFile("dist-err", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(
                    ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("bin/gradcheck " + String.join(" ", args) + " did not end in 120 s");
            }
            return new Ran(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A folder of links to every program of /usr/bin and /bin but Maven's, and this JVM's java. */
    private Path pathWithoutMaven() throws IOException {
        Path path = dir.resolve("tools");
        if (Files.isDirectory(path)) {
            return path;
        }
        Files.createDirectories(path);
        for (String d : List.of("/usr/bin", "/bin")) {
            try (Stream<Path> files = Files.list(Path.of(d))) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (name.startsWith("mvn") || name.equals("java") || Files.exists(path.resolve(name),
                            java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        continue;
                    }
                    Files.createSymbolicLink(path.resolve(name), f);
                }
            }
        }
        Files.createSymbolicLink(path.resolve("java"), javaBinary());
        return path;
    }

    private static Path javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static String which(String program) {
        for (String d : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
            if (Files.isExecutable(Path.of(d, program))) {
                return d + "/" + program;
            }
        }
        throw new AssertionError(program + " is needed to unpack the distribution as a user would");
    }

    private static Path onlyArchive(Path cache) throws IOException {
        return onlyArchive(cache, ".jsa");
    }

    private static Path onlyArchive(Path cache, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            List<Path> archives = files.filter(f -> f.toString().endsWith(".jsa") || f.toString().endsWith(".aot"))
                    .toList();
            assertTrue(archives.size() == 1 && archives.get(0).toString().endsWith(suffix),
                    "one " + suffix + " archive in " + cache + ": " + archives);
            return archives.get(0);
        }
    }

    private static List<String> listing(Path home) throws IOException {
        try (Stream<Path> files = Files.walk(home)) {
            return files.map(f -> home.relativize(f) + " " + f.toFile().length()).sorted().toList();
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 3000 ? s : s.substring(0, 3000) + "… (" + s.length() + " chars)";
    }
}
