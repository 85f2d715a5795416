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
        Path src = Files.createDirectories(dir.resolve("src"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath", spiClasspath(),
                "--release", "17", "-nowarn"));
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
        Path jar = dir.resolve("ops.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
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
