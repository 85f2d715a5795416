package dev.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcheck.testing.Sneaky;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CustomOpCheck over lists of ops, and ServiceLoader discovery from a class loader and from a jar. */
class CustomOpCheckTest {
    @Test
    void discoversFromAClassLoader() {
        List<CustomOp> ops = CustomOpCheck.discover(getClass().getClassLoader());
        assertEquals(List.of("sample_square"), ops.stream().map(CustomOp::name).collect(Collectors.toList()));
        CheckReport r = CustomOpCheck.run(ops, CheckOptions.defaults().withCommand("ops").withDraws(1));
        assertTrue(r.passed(), r::toText);
        assertEquals(1, r.checks().get(0).inputs().size());
        assertEquals(6, r.checks().get(0).entriesChecked());
        // by default three draws (|x| ~ 1, 10, 100): one nested result per input and draw
        CheckReport three = CustomOpCheck.run(ops, CheckOptions.defaults().withCommand("ops"));
        assertTrue(three.passed(), three::toText);
        assertEquals(3, three.checks().get(0).inputs().size());
        assertEquals(18, three.checks().get(0).entriesChecked());
    }

    /** Compiles two ops (one correct, one with a planted bug) into a jar with a services file. */
    private static Path buildJar(Path dir) throws IOException {
        Path src = dir.resolve("src/acme");
        Files.createDirectories(src);
        Files.writeString(src.resolve("Cube.java"), "package acme;\n"
                + "public class Cube implements dev.gradcheck.CustomOp {\n"
                + "  public String name() { return \"acme.cube\"; }\n"
                + "  public int[][] inputShapes() { return new int[][] {{4}}; }\n"
                + "  public double[] forward(double[][] in) { double[] y = new double[4];\n"
                + "    for (int i = 0; i < 4; i++) y[i] = in[0][i] * in[0][i] * in[0][i]; return y; }\n"
                + "  public double[][] backward(double[][] in, double[] g) { double[] d = new double[4];\n"
                + "    for (int i = 0; i < 4; i++) d[i] = 3 * in[0][i] * in[0][i] * g[i]; return new double[][] {d}; }\n"
                + "}\n");
        Files.writeString(src.resolve("BadScale.java"), "package acme;\n"
                + "public class BadScale implements dev.gradcheck.CustomOp {\n"
                + "  public String name() { return \"acme.bad_scale\"; }\n"
                + "  public int[][] inputShapes() { return new int[][] {{2, 3}}; }\n"
                + "  public double[] forward(double[][] in) { double[] y = new double[6];\n"
                + "    for (int i = 0; i < 6; i++) y[i] = 0.5 * in[0][i] * in[0][i]; return y; }\n"
                + "  public double[][] backward(double[][] in, double[] g) { double[] d = new double[6];\n"
                + "    for (int i = 0; i < 6; i++) d[i] = in[0][i] * g[i] * 4; return new double[][] {d}; }\n"
                + "}\n");
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", testClasspath(),
                src.resolve("Cube.java").toString(), src.resolve("BadScale.java").toString());
        assertEquals(0, rc, "javac failed");
        Path jar = dir.resolve("acme-ops.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/dev.gradcheck.CustomOp"));
            OutputStream o = out;
            o.write("acme.Cube\nacme.BadScale\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    @Test
    void discoversAndChecksTheOpsOfAJar(@TempDir Path dir) throws IOException {
        Path jar = buildJar(dir);
        List<CustomOp> ops = CustomOpCheck.discover(jar);
        // only the jar's own ops, not the test classpath's sample_square
        assertEquals(List.of("acme.cube", "acme.bad_scale"), ops.stream().map(CustomOp::name).collect(Collectors.toList()));
        CheckReport r = CustomOpCheck.run(ops, CheckOptions.defaults().withCommand("ops").withSeed(3));
        assertTrue(!r.passed(), r::toText);
        JsonNode root = new ObjectMapper().readTree(r.toJson());
        assertEquals("ops", root.get("command").asText());
        assertEquals(3, root.get("seed").asInt());
        JsonNode cube = root.get("checks").get(0);
        assertEquals("acme.cube", cube.get("name").asText());
        assertEquals("pass", cube.get("status").asText());
        JsonNode bad = root.get("checks").get(1);
        assertEquals("acme.bad_scale", bad.get("name").asText());
        assertEquals("fail", bad.get("status").asText());
        assertTrue(bad.get("diagnosis").asText().contains("analytic = 4.0 x numeric on every entry"), r::toJson);
        assertEquals("input0", bad.get("inputs").get(0).get("name").asText());
        assertEquals("[2,3]", bad.get("inputs").get(0).get("shape").toString());
    }

    @Test
    void summariseNestsResultsOfAnotherKindOfCheck() {
        CheckReport inner = GradCheck.of(new SampleSquareOp()).at(new double[] {1, 2, 3, 4, 5, 6})
                .shapes(new int[] {2, 3}).check();
        CheckResult op = CustomOpCheck.summarise("square", inner.checks(),
                CheckOptions.defaults().withReproduce("gradcheck ops --op {name} --seed {seed}"));
        assertEquals(Status.PASS, op.status());
        assertEquals(6, op.entriesChecked());
        assertEquals("gradcheck ops --op square --seed 0", op.reproduce());
        assertEquals(1, op.inputs().size());
    }

    @Test
    void missingJarIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.jar");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CustomOpCheck.discover(missing));
        assertEquals(missing + ": no such jar file", e.getMessage());
    }

    @Test
    void opWhoseInputShapesThrowIsAnErrorAndTheNextOpIsStillChecked() {
        CustomOp broken = new SampleSquareOp() {
            @Override
            public int[][] inputShapes() {
                throw new UnsupportedOperationException("no shapes");
            }
        };
        CheckReport r = CustomOpCheck.run(List.of(broken, new SampleSquareOp()), CheckOptions.defaults());
        assertEquals(Status.ERROR, r.checks().get(0).status());
        assertEquals("inputShapes() threw UnsupportedOperationException: no shapes", r.checks().get(0).error());
        assertEquals(Status.PASS, r.checks().get(1).status());
    }

    @Test
    void errorsThatUserCodeRaisesOnItsOwnAreThatOpsErrorAndTheNextOpIsStillChecked() {
        // a failed assert in backward, a class that cannot be initialised in forward, and an
        // illegal access of the kind Neureka raises for a tensor freed during its own backward
        CustomOp failedAssert = new SampleSquareOp() {
            @Override
            public double[][] backward(double[][] in, double[] g) {
                throw new AssertionError("expected shape [2, 3]");
            }
        };
        CustomOp brokenClass = new SampleSquareOp() {
            @Override
            public double[] forward(double[][] in) {
                throw new NoClassDefFoundError("com/example/Kernels");
            }
        };
        CustomOp illegalAccess = new SampleSquareOp() {
            @Override
            public double[][] backward(double[][] in, double[] g) {
                throw new IllegalAccessError("Trying to access the unsafe API of an already deleted tensor.");
            }
        };
        CheckReport r = CustomOpCheck.run(List.of(failedAssert, brokenClass, illegalAccess, new SampleSquareOp()),
                CheckOptions.defaults());
        assertEquals(List.of(Status.ERROR, Status.ERROR, Status.ERROR, Status.PASS),
                r.checks().stream().map(CheckResult::status).collect(Collectors.toList()));
        assertTrue(r.checks().get(0).toString().contains("backward threw AssertionError: expected shape [2, 3]"),
                r.checks().get(0).toString());
        assertTrue(r.checks().get(1).toString().contains("forward threw NoClassDefFoundError: com/example/Kernels"),
                r.checks().get(1).toString());
        assertTrue(r.checks().get(2).toString().contains("backward threw IllegalAccessError: Trying to access"),
                r.checks().get(2).toString());
    }

    @Test
    void aCheckedExceptionThrownSneakilyOrAnErrorOfItsOwnIsThatOpsErrorAndTheNextOpIsStillChecked() {
        // Kotlin code, or Java with Lombok's @SneakyThrows, can throw a checked exception through an
        // interface that declares none; an Error subclass of the op's own is its failure too
        CustomOp sneaky = new SampleSquareOp() {
            @Override
            public double[] forward(double[][] in) {
                return Sneaky.<RuntimeException, double[]>sneakyThrow(new java.io.IOException("weights.bin: no such file"));
            }
        };
        CustomOp ownError = new SampleSquareOp() {
            @Override
            public double[][] backward(double[][] in, double[] g) {
                throw new Error("kernel not compiled for this device");
            }
        };
        CheckReport r = CustomOpCheck.run(List.of(sneaky, ownError, new SampleSquareOp()), CheckOptions.defaults());
        assertEquals(List.of(Status.ERROR, Status.ERROR, Status.PASS),
                r.checks().stream().map(CheckResult::status).collect(Collectors.toList()));
        assertTrue(r.checks().get(0).toString().contains("forward threw IOException: weights.bin: no such file"),
                r.checks().get(0).toString());
        assertTrue(r.checks().get(1).toString().contains("backward threw Error: kernel not compiled for this device"),
                r.checks().get(1).toString());
    }

    @Test
    void anOpsOutOfMemoryErrorIsThatOpsErrorAndTheNextOpIsStillChecked() {
        // a real one, thrown at once without touching the heap: no array holds Integer.MAX_VALUE values
        CustomOp hugeArray = new SampleSquareOp() {
            @Override
            public double[][] backward(double[][] in, double[] g) {
                return new double[][] {new double[Integer.MAX_VALUE]};
            }
        };
        CustomOp heapSpace = new SampleSquareOp() {
            @Override
            public double[] forward(double[][] in) {
                throw new OutOfMemoryError("Java heap space");
            }
        };
        for (int threads : new int[] {1, 2}) {
            CheckReport r = CustomOpCheck.run(List.of(hugeArray, heapSpace, new SampleSquareOp()),
                    CheckOptions.defaults().withThreads(threads));
            assertEquals(List.of(Status.ERROR, Status.ERROR, Status.PASS),
                    r.checks().stream().map(CheckResult::status).collect(Collectors.toList()), "threads " + threads);
            assertEquals("backward threw OutOfMemoryError: Requested array size exceeds VM limit",
                    r.checks().get(0).error(), "threads " + threads);
            assertTrue(r.checks().get(0).cause() instanceof OutOfMemoryError);
            assertEquals("forward threw OutOfMemoryError: Java heap space", r.checks().get(1).error(),
                    "threads " + threads);
        }
    }

    @Test
    void theJvmsInternalErrorEndsTheCheck() {
        CustomOp internal = new SampleSquareOp() {
            @Override
            public double[] forward(double[][] in) {
                throw new InternalError("a JIT bug");
            }
        };
        assertThrows(InternalError.class,
                () -> CustomOpCheck.run(List.of(internal, new SampleSquareOp()), CheckOptions.defaults()));
    }

    /**
     * The tests' class path for javac: the class path and, when the tests run on the module path
     * (gradcheck is a named module), the module path, whose jars and folders serve as class path too.
     */
    private static String testClasspath() {
        String modules = System.getProperty("jdk.module.path");
        String cp = System.getProperty("java.class.path");
        return modules == null || modules.isEmpty() ? cp : cp + java.io.File.pathSeparator + modules;
    }
}
