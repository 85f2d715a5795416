package dev.gradcheck.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckReport;
import dev.gradcheck.CustomOp;
import dev.gradcheck.CustomOpCheck;
import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.GradCheck;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Guards the published contracts against incompatible change: the SPI's signatures and the JSON
 * report's promised fields, both checked in under {@code src/test/resources/api/}.
 */
class PublicContractTest {

    @Test
    void spiSignaturesMatchTheCheckedInOnes() throws IOException {
        String expected = withoutComments(resource("/api/spi-signatures.txt"));
        String actual = signature(CustomOp.class) + signature(DifferentiableFunction.class)
                + signature(dev.gradcheck.ForwardDifferentiable.class);
        assertEquals(expected, actual, "the SPI changed; this breaks every user's custom ops");
    }

    @Test
    void jsonReportKeepsEveryPromisedFieldInOrder() throws IOException {
        Map<String, List<String>> promised = new TreeMap<>();
        for (String line : withoutComments(resource("/api/report-fields.txt")).split("\n")) {
            String[] parts = line.split(":\\s*");
            promised.put(parts[0], Arrays.asList(parts[1].trim().split("\\s+")));
        }
        DifferentiableFunction doubled = new DifferentiableFunction() {
            @Override
            public double[] forward(double[][] in) {
                return new double[] {in[0][0] * in[0][0]};
            }

            @Override
            public double[][] backward(double[][] in, double[] g) {
                return new double[][] {{4 * in[0][0] * g[0]}}; // planted: twice the derivative
            }
        };
        CheckReport report = GradCheck.of(doubled).at(new double[] {1.5}).check();
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertPrefix("report", promised.get("report"), json);
        JsonNode check = json.get("checks").get(0);
        assertPrefix("check", promised.get("check"), check);
        assertPrefix("worst", promised.get("worst"), check.get("worst").get(0));
    }

    @Test
    void opsReportsNestPerInputResultsInsideEachOpsCheck() throws IOException {
        CustomOp square = new CustomOp() {
            @Override
            public String name() {
                return "square";
            }

            @Override
            public int[][] inputShapes() {
                return new int[][] {{3}};
            }

            @Override
            public double[] forward(double[][] in) {
                return Arrays.stream(in[0]).map(x -> x * x).toArray();
            }

            @Override
            public double[][] backward(double[][] in, double[] g) {
                double[] d = new double[in[0].length];
                for (int i = 0; i < d.length; i++) {
                    d[i] = 2 * in[0][i] * g[i];
                }
                return new double[][] {d};
            }
        };
        JsonNode json = new ObjectMapper().readTree(
                CustomOpCheck.run(List.of(square), CheckOptions.defaults().withDraws(1)).toJson());
        JsonNode op = json.get("checks").get(0);
        assertEquals("square", op.get("name").asText());
        assertTrue(op.get("inputs").isArray() && op.get("inputs").size() == 1, op.toString());
    }

    private static void assertPrefix(String what, List<String> expected, JsonNode node) {
        List<String> actual = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            actual.add(it.next());
        }
        List<String> head = actual.subList(0, Math.min(expected.size(), actual.size()));
        assertEquals(expected, head, what + " fields, in order (all fields: " + actual + ")");
    }

    private static String signature(Class<?> type) {
        StringBuilder sb = new StringBuilder("interface " + type.getName());
        if (type.getInterfaces().length > 0) {
            sb.append(" extends ").append(Arrays.stream(type.getInterfaces()).map(Class::getName)
                    .collect(Collectors.joining(", ")));
        }
        sb.append('\n');
        Arrays.stream(type.getDeclaredMethods())
                .map(m -> "  " + (Modifier.isAbstract(m.getModifiers()) ? "abstract " : "default ")
                        + m.getReturnType().getTypeName() + " " + m.getName() + "("
                        + Arrays.stream(m.getParameterTypes()).map(Class::getTypeName).collect(Collectors.joining(","))
                        + ")")
                .sorted()
                .forEach(line -> sb.append(line).append('\n'));
        return sb.toString();
    }

    private static String withoutComments(String text) {
        return Arrays.stream(text.split("\n")).filter(l -> !l.startsWith("#") && !l.isBlank())
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = PublicContractTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

}
