package dev.gradcheck.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #9's acceptance through the CLI: the planted bugs of {@code SensitivityOps} (relative
 * gradient errors 1e-3, 1e-4, 1e-5; a normalisation whose backward forgets its eps; GELU with 3.14
 * for π; a softplus whose x &gt; 20 shortcut has gradient 0) are compiled into a user's jar and
 * {@code gradcheck ops --jar J --format json} with no other option must fail each one (exit 1),
 * while the correct controls pass.
 */
class SensitivityJarTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An elementwise op on a [4, 8] input: y = f(x), dx = g·df(x) (Java expressions in x). */
    private static String elementwise(String cls, String name, String f, String df) {
        return """
                package demo;
                public final class %s implements dev.gradcheck.CustomOp {
                    public String name() { return "%s"; }
                    public int[][] inputShapes() { return new int[][] {{4, 8}}; }
                    static double f(double x) { return %s; }
                    static double df(double x) { return %s; }
                    public double[] forward(double[][] in) {
                        double[] y = new double[in[0].length];
                        for (int i = 0; i < y.length; i++) y[i] = f(in[0][i]);
                        return y;
                    }
                    public double[][] backward(double[][] in, double[] g) {
                        double[] d = new double[in[0].length];
                        for (int i = 0; i < d.length; i++) d[i] = g[i] * df(in[0][i]);
                        return new double[][] {d};
                    }
                }
                """.formatted(cls, name, f, df);
    }

    private static final String SMOOTH = "Math.sin(x) + x * x / 4";
    private static final String SMOOTH_GRAD = "(Math.cos(x) + x / 2)";

    /** GELU (tanh approximation) with π given as {@code pi} in its backward. */
    private static String gelu(String cls, String name, String pi) {
        return elementwise(cls, name, "0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)))",
                "geluGrad(x, " + pi + ")").replace("    public double[] forward", """
                    static double geluGrad(double x, double pi) {
                        double c = Math.sqrt(2 / pi);
                        double t = Math.tanh(c * (x + 0.044715 * x * x * x));
                        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
                    }
                    public double[] forward""");
    }

    /** Layer norm over the last dimension of [4, 8]: (x − μ)/sqrt(var + eps); the bug drops eps from 1/s only. */
    private static String layerNorm(String cls, String name, boolean forgetEps) {
        return """
                package demo;
                public final class %s implements dev.gradcheck.CustomOp {
                    static final double EPS = 1e-5;
                    public String name() { return "%s"; }
                    public int[][] inputShapes() { return new int[][] {{4, 8}}; }
                    public double[] forward(double[][] in) {
                        double[] x = in[0];
                        double[] y = new double[32];
                        for (int r = 0; r < 4; r++) {
                            double mu = mean(x, r);
                            double var = variance(x, r, mu);
                            double s = Math.sqrt(var + EPS);
                            for (int c = 0; c < 8; c++) y[r * 8 + c] = (x[r * 8 + c] - mu) / s;
                        }
                        return y;
                    }
                    public double[][] backward(double[][] in, double[] g) {
                        double[] x = in[0];
                        double e = %s;
                        double[] dx = new double[32];
                        for (int r = 0; r < 4; r++) {
                            double mu = mean(x, r);
                            double var = variance(x, r, mu);
                            double s = Math.sqrt(var + e);
                            double mg = 0;
                            double mgx = 0;
                            for (int c = 0; c < 8; c++) {
                                mg += g[r * 8 + c];
                                mgx += g[r * 8 + c] * (x[r * 8 + c] - mu) / Math.sqrt(var + EPS);
                            }
                            mg /= 8;
                            mgx /= 8;
                            for (int c = 0; c < 8; c++) {
                                double xh = (x[r * 8 + c] - mu) / Math.sqrt(var + EPS);
                                dx[r * 8 + c] = (g[r * 8 + c] - mg - xh * mgx) / s;
                            }
                        }
                        return new double[][] {dx};
                    }
                    static double mean(double[] x, int r) {
                        double mu = 0;
                        for (int c = 0; c < 8; c++) mu += x[r * 8 + c];
                        return mu / 8;
                    }
                    static double variance(double[] x, int r, double mu) {
                        double var = 0;
                        for (int c = 0; c < 8; c++) { double d = x[r * 8 + c] - mu; var += d * d; }
                        return var / 8;
                    }
                }
                """.formatted(cls, name, forgetEps ? "0" : "EPS");
    }

    private static final String SOFTPLUS = "(x > 20 ? x : Math.log1p(Math.exp(x)))";

    /** The planted bugs, op name → (class name, source). */
    private static Map<String, String[]> planted() {
        Map<String, String[]> m = new LinkedHashMap<>();
        m.put("off-by-1e-3", new String[] {"demo.Off3", elementwise("Off3", "off-by-1e-3", SMOOTH, SMOOTH_GRAD + " * (1 + 1e-3)")});
        m.put("off-by-1e-4", new String[] {"demo.Off4", elementwise("Off4", "off-by-1e-4", SMOOTH, SMOOTH_GRAD + " * (1 + 1e-4)")});
        m.put("off-by-1e-5", new String[] {"demo.Off5", elementwise("Off5", "off-by-1e-5", SMOOTH, SMOOTH_GRAD + " * (1 + 1e-5)")});
        m.put("layernorm-no-eps-in-backward", new String[] {"demo.LayerNormNoEps",
                layerNorm("LayerNormNoEps", "layernorm-no-eps-in-backward", true)});
        m.put("gelu-3.14", new String[] {"demo.Gelu314", gelu("Gelu314", "gelu-3.14", "3.14")});
        m.put("softplus-shortcut", new String[] {"demo.SoftplusShortcut", elementwise("SoftplusShortcut",
                "softplus-shortcut", SOFTPLUS, "(x > 20 ? 0 : 1 / (1 + Math.exp(-x)))")});
        return m;
    }

    /** The same ops written correctly: none may fail. */
    private static Map<String, String[]> controls() {
        Map<String, String[]> m = new LinkedHashMap<>();
        m.put("smooth", new String[] {"demo.Smooth", elementwise("Smooth", "smooth", SMOOTH, SMOOTH_GRAD)});
        m.put("layernorm", new String[] {"demo.LayerNorm", layerNorm("LayerNorm", "layernorm", false)});
        m.put("gelu", new String[] {"demo.Gelu", gelu("Gelu", "gelu", "Math.PI")});
        m.put("softplus", new String[] {"demo.Softplus", elementwise("Softplus", "softplus", SOFTPLUS,
                "(x > 20 ? 1 : 1 / (1 + Math.exp(-x)))")});
        return m;
    }

    @TempDir
    Path dir;

    @Test
    void everyPlantedBugFailsWithDefaultSettingsAndTheControlsPass() throws IOException {
        Map<String, String> sources = new LinkedHashMap<>();
        List<String> services = new ArrayList<>();
        Map<String, String[]> all = new LinkedHashMap<>(planted());
        all.putAll(controls());
        for (String[] op : all.values()) {
            sources.put(op[0], op[1]);
            services.add(op[0]);
        }
        Path jar = TestJars.customOpJar(dir, sources, services);

        Cli.Result r = Cli.run("ops", "--jar", jar.toString(), "--format", "json");

        assertEquals(ExitCodes.CHECK_FAILED, r.exitCode(), r.toString());
        JsonNode root = JSON.readTree(r.out());
        assertFalse(root.get("passed").asBoolean(), r.out());
        JsonNode checks = root.get("checks");
        assertEquals(all.size(), checks.size(), r.out());
        for (String name : planted().keySet()) {
            JsonNode c = find(checks, name, r);
            assertEquals("fail", c.get("status").asText(), () -> name + " not caught with default settings: " + c);
            assertFalse(c.get("passed").asBoolean(), c::toString);
        }
        for (String name : controls().keySet()) {
            JsonNode c = find(checks, name, r);
            assertTrue(c.get("passed").asBoolean(), () -> "correct op " + name + " failed: " + c);
            assertEquals("pass", c.get("status").asText(), c::toString);
        }
    }

    private static JsonNode find(JsonNode checks, String name, Cli.Result r) {
        for (JsonNode c : checks) {
            if (name.equals(c.get("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no check named '" + name + "' in:\n" + r.out());
    }
}
