package dev.gradcheck.model.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.model.Limits;
import dev.gradcheck.model.LoadOptions;
import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelFileException;
import dev.gradcheck.model.ModelUsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutations of the ONNX fixtures (byte and bit flips, truncations, insertions,
 * deletions, overlong or huge varints, spliced chunks of other files): the only outcomes are a
 * model (which then evaluates, with gradients) or a clean error: a {@link ModelFileException}
 * naming the file with no protobuf internals, or a {@link ModelUsageException} (a mutated graph
 * that now ends in a non-scalar). The default (3000 mutations, a few seconds) runs in CI;
 * {@code -Dgradcheck.fuzz.rounds=N} (and {@code -Dgradcheck.fuzz.seed=S}) run longer by hand, e.g.
 * {@code mvn -o -q test -pl gradcheck -am -Dtest=OnnxFuzzTest -Dgradcheck.fuzz.rounds=100000}.
 */
class OnnxFuzzTest {
    @Test
    void mutationsGiveAModelOrACleanError() throws IOException {
        long seed = Long.getLong("gradcheck.fuzz.seed", 20261207L);
        int rounds = Integer.getInteger("gradcheck.fuzz.rounds", 3000);
        SplittableRandom rng = new SplittableRandom(seed);
        Limits limits = Limits.DEFAULT.withElements(200_000, 1_000_000);
        List<byte[]> files = new ArrayList<>();
        try (Stream<Path> s = Stream.concat(Files.list(Fixtures.DIR), Files.list(Fixtures.CASES))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".onnx")).sorted().toList()) {
                files.add(Files.readAllBytes(p));
            }
        }
        Path dir = Path.of("").toAbsolutePath();
        int models = 0;
        int errors = 0;
        long t0 = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            byte[] original = files.get(rng.nextInt(files.size()));
            byte[] mutated = mutate(original, files, rng);
            try {
                Model m = OnnxReader.read(mutated, Path.of("fuzz.onnx"), dir, limits, LoadOptions.NONE);
                Map<String, Tensor> v = m.initialValues();
                m.loss(v);
                m.gradients(v, m.paramNames());
                models++;
            } catch (ModelFileException e) {
                String msg = e.getMessage();
                if (!msg.startsWith("fuzz.onnx") || msg.contains("com.google.protobuf") || msg.contains("Exception")) {
                    fail("seed " + seed + ", round " + round + ": unclear message: " + msg);
                }
                errors++;
            } catch (ModelUsageException e) {
                errors++;
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                fail("seed " + seed + ", round " + round + ": " + e + "\n--- mutated file (hex) ---\n"
                        + HexFormat.of().formatHex(mutated), e);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "onnx fuzz: %d mutations of %d files, %d still models, %d clean "
                + "errors, 0 other outcomes, %.1f s, seed %d%n", rounds, files.size(), models, errors, seconds, seed);
        assertTrue(errors > 0 && models > 0, "the mutations should reach both outcomes");
    }

    private static byte[] mutate(byte[] in, List<byte[]> files, SplittableRandom rng) {
        byte[] b = in.clone();
        switch (rng.nextInt(8)) {
            case 0 -> { // byte flips
                for (int k = 1 + rng.nextInt(3); k > 0; k--) {
                    b[rng.nextInt(b.length)] = (byte) rng.nextInt(256);
                }
                return b;
            }
            case 1 -> { // bit flip
                int i = rng.nextInt(b.length);
                b[i] ^= (byte) (1 << rng.nextInt(8));
                return b;
            }
            case 2 -> {
                return java.util.Arrays.copyOf(b, rng.nextInt(b.length));
            }
            case 3 -> { // delete a run
                int at = rng.nextInt(b.length);
                int n = Math.min(b.length - at, 1 + rng.nextInt(16));
                byte[] out = new byte[b.length - n];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + n, out, at, b.length - at - n);
                return out;
            }
            case 4 -> { // insert random bytes
                return insert(b, rng.nextInt(b.length + 1), randomBytes(rng, 1 + rng.nextInt(8)));
            }
            case 5 -> { // a huge or overlong varint where a length or value was
                byte[] v = rng.nextBoolean() ? new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07}
                        : new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
                            (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
                int at = rng.nextInt(b.length);
                byte[] out = insert(b, at, v);
                return java.util.Arrays.copyOfRange(out, 0, out.length - (rng.nextBoolean() ? 1 : 0));
            }
            case 6 -> { // splice in a chunk of another file
                byte[] other = files.get(rng.nextInt(files.size()));
                int from = rng.nextInt(other.length);
                int n = Math.min(other.length - from, 1 + rng.nextInt(64));
                return insert(b, rng.nextInt(b.length + 1), java.util.Arrays.copyOfRange(other, from, from + n));
            }
            default -> { // a small number changed by one (dims, attribute values, types)
                int i = rng.nextInt(b.length);
                if ((b[i] & 0x80) == 0) {
                    b[i] = (byte) Math.max(0, Math.min(127, b[i] + (rng.nextBoolean() ? 1 : -1)));
                }
                return b;
            }
        }
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        byte[] out = new byte[b.length + what.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(b, at, out, at + what.length, b.length - at);
        return out;
    }

    private static byte[] randomBytes(SplittableRandom rng, int n) {
        byte[] r = new byte[n];
        for (int i = 0; i < n; i++) {
            r[i] = (byte) rng.nextInt(256);
        }
        return r;
    }
}
