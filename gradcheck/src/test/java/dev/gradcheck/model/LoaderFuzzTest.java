package dev.gradcheck.model;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutations of the example files (byte flips, truncations, deleted keys, swapped
 * types, huge numbers): the only outcomes are a valid model (which then evaluates) or a
 * {@link ModelFileException} whose message names the file and carries no parser internals. The
 * default (3000 mutations, a few seconds) runs in CI; {@code -Dgradcheck.fuzz.rounds=N} (and
 * {@code -Dgradcheck.fuzz.seed=S}) run longer by hand, e.g.
 * {@code mvn -o -q test -pl gradcheck -am -Dtest=LoaderFuzzTest -Dgradcheck.fuzz.rounds=100000}.
 */
class LoaderFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> EXAMPLES = List.of("tiny-mlp", "small-cnn", "attention", "layernorm-gelu",
            "batchnorm-mlp", "embedding", "two-layer", "mlp-layers", "sequential-regression");

    @Test
    void mutationsGiveAValidModelOrACleanError() throws IOException {
        long seed = Long.getLong("gradcheck.fuzz.seed", 20261124L);
        int rounds = Integer.getInteger("gradcheck.fuzz.rounds", 3000);
        SplittableRandom rng = new SplittableRandom(seed);
        Limits limits = Limits.DEFAULT.withElements(200_000, 1_000_000);
        List<String> texts = new ArrayList<>();
        for (String e : EXAMPLES) {
            texts.add(Files.readString(Examples.path(e + ".json")));
        }
        Path base = Examples.path("tiny-mlp.json").getParent();
        int valid = 0;
        int errors = 0;
        long t0 = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            String original = texts.get(rng.nextInt(texts.size()));
            String mutated = mutate(original, rng);
            try {
                Model m = ModelLoader.parse(mutated, Path.of("fuzz.json"), base, limits);
                m.loss(m.initialValues());
                m.gradients(m.initialValues(), m.paramNames());
                valid++;
            } catch (ModelFileException expected) {
                // a clean error: it names the file and speaks the user's language
                String msg = expected.getMessage();
                if (!msg.startsWith("fuzz.json") || msg.matches("(?s).*(com\\.fasterxml|StreamRead|DeserializationFeature|REDACTED).*")) {
                    fail("seed " + seed + ", round " + round + ": unclear message: " + msg);
                }
                errors++;
            } catch (RuntimeException | StackOverflowError e) {
                fail("seed " + seed + ", round " + round + ": " + e + "\n--- mutated file ---\n" + mutated, e);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "loader fuzz: %d mutations, %d still valid, %d clean errors, "
                + "0 other outcomes, %.1f s, seed %d%n", rounds, valid, errors, seconds, seed);
    }

    private static String mutate(String text, SplittableRandom rng) throws IOException {
        switch (rng.nextInt(5)) {
            case 0: { // byte flips
                char[] c = text.toCharArray();
                for (int k = 1 + rng.nextInt(3); k > 0; k--) {
                    c[rng.nextInt(c.length)] = (char) (32 + rng.nextInt(95));
                }
                return new String(c);
            }
            case 1:
                return text.substring(0, rng.nextInt(text.length()));
            default: {
                JsonNode root = JSON.readTree(text);
                List<JsonNode[]> places = new ArrayList<>();
                collect(root, places);
                JsonNode[] at = places.get(rng.nextInt(places.size()));
                mutateTree(at[0], at[1], rng);
                return JSON.writeValueAsString(root);
            }
        }
    }

    /** Pairs (container, child) for every child in the tree. */
    private static void collect(JsonNode n, List<JsonNode[]> out) {
        if (n.isContainerNode()) {
            n.forEach(ch -> {
                out.add(new JsonNode[] {n, ch});
                collect(ch, out);
            });
        }
    }

    private static void mutateTree(JsonNode parent, JsonNode child, SplittableRandom rng) {
        JsonNode replacement = randomValue(rng);
        if (parent instanceof ObjectNode o) {
            String key = null;
            for (var it = o.fields(); it.hasNext();) {
                var e = it.next();
                if (e.getValue() == child) {
                    key = e.getKey();
                }
            }
            if (rng.nextBoolean()) {
                o.remove(key);
            } else {
                o.set(key, replacement);
            }
        } else if (parent instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i) == child) {
                    if (rng.nextBoolean()) {
                        a.remove(i);
                    } else {
                        a.set(i, replacement);
                    }
                    return;
                }
            }
        }
    }

    private static JsonNode randomValue(SplittableRandom rng) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (rng.nextInt(10)) {
            case 0:
                return f.nullNode();
            case 1:
                return f.booleanNode(rng.nextBoolean());
            case 2:
                return f.numberNode(rng.nextInt(-3, 10));
            case 3:
                return f.numberNode(new java.math.BigInteger("9".repeat(1 + rng.nextInt(30))));
            case 4:
                return f.numberNode(rng.nextDouble() * 1e300);
            case 5:
                return f.textNode(List.of("x", "W1", "loss", "relu", "zeros", "int64", "", "h0").get(rng.nextInt(8)));
            case 6:
                return f.arrayNode().add(rng.nextInt(-2, 5)).add(rng.nextInt(0, 5));
            case 7:
                return f.arrayNode();
            case 8:
                return f.objectNode().put("normal", 1);
            default:
                return f.numberNode(-rng.nextInt(1, 100));
        }
    }
}
