package dev.gradcheck.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a user's jar of CustomOps in a test: compiles sources, adds the service file, jars it.
 * Shared by the cli tests and the reliability tests.
 */
public final class TestJars {
    private TestJars() {
    }

    /**
     * Compiles {@code sources} (class name → source, default package-free names like
     * {@code demo.Square}) against the gradcheck SPI and jars them with a
     * {@code META-INF/services/dev.gradcheck.CustomOp} listing {@code services}.
     */
    public static Path customOpJar(Path dir, Map<String, String> sources, List<String> services) throws IOException {
        return jar(compile(dir, sources), dir.resolve("ops.jar"), services, List.of());
    }

    /**
     * Compiles {@code sources} (class name → source) against the gradcheck SPI into
     * {@code dir/classes} and returns that folder.
     */
    public static Path compile(Path dir, Map<String, String> sources) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath", spiClasspath(),
                "--release", "17", "-nowarn", "-Xlint:none"));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        int rc = javac.run(null, null, null, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("javac failed (" + rc + ") " + diagnostics);
        }
        return classes;
    }

    /**
     * Compiles every {@code .java} file under the test resource folder {@code folder} (e.g.
     * {@code hostile-ops}, sources at their package paths) into {@code dir/classes}.
     */
    public static Path compileResources(Path dir, String folder) throws IOException {
        Map<String, String> sources = new java.util.TreeMap<>();
        Path root;
        try {
            root = Path.of(TestJars.class.getResource("/" + folder).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(f -> f.toString().endsWith(".java")).toList()) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                sources.put(rel.substring(0, rel.length() - ".java".length()).replace('/', '.'), Files.readString(p));
            }
        }
        return compile(dir, sources);
    }

    /**
     * Jars the classes under {@code classes} (but those in {@code omit}, class names whose class
     * files and nested classes are left out) with a {@code META-INF/services/dev.gradcheck.CustomOp}
     * listing {@code services}, in that order.
     */
    public static Path jar(Path classes, Path jar, List<String> services, List<String> omit) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String entry = classes.relativize(p).toString().replace('\\', '/');
                String cls = entry.replaceAll("(\\$.*)?\\.class$", "").replace('/', '.');
                if (omit.contains(cls)) {
                    continue;
                }
                out.putNextEntry(new JarEntry(entry));
                out.write(Files.readAllBytes(p));
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/dev.gradcheck.CustomOp"));
            out.write((String.join("\n", services) + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    /**
     * An elementwise op {@code demo.<cls>} named {@code name} on one input of shape {@code dims}
     * (written as Java array items, e.g. {@code "2, 3"}):
     * y = x^2, dy = 2 x g, with {@code forwardExtra} / {@code backwardExtra} spliced in just
     * before each returns (they see {@code in}, {@code g}, {@code y}, {@code d}).
     */
    public static String squareOp(String cls, String name, String dims, String forwardExtra, String backwardExtra) {
        return """
                package demo;
                public final class %s implements dev.gradcheck.CustomOp {
                    public String name() { return "%s"; }
                    public int[][] inputShapes() { return new int[][] {{%s}}; }
                    public double[] forward(double[][] in) {
                        double[] y = new double[in[0].length];
                        for (int i = 0; i < y.length; i++) y[i] = in[0][i] * in[0][i];
                        %s
                        return y;
                    }
                    public double[][] backward(double[][] in, double[] g) {
                        double[] d = new double[in[0].length];
                        for (int i = 0; i < d.length; i++) d[i] = 2 * in[0][i] * g[i];
                        %s
                        return new double[][] {d};
                    }
                }
                """.formatted(cls, name, dims, forwardExtra, backwardExtra);
    }

    /** Where the SPI classes are (a directory or jar); surefire's own class path may be a manifest jar. */
    private static String spiClasspath() {
        try {
            return Path.of(dev.gradcheck.CustomOp.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
