package dev.gradcheck.io;

import static org.junit.jupiter.api.Assertions.fail;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.io.Npy;
import dev.gradcheck.engine.io.Npz;
import dev.gradcheck.engine.io.ReadBudget;
import dev.gradcheck.engine.io.StoredTensor;
import dev.gradcheck.engine.io.TensorFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random mutations of tensor files — {@code .npy}, {@code .npz} (stored and deflated),
 * {@code .safetensors} and PyTorch {@code .pt} state dicts (the fixtures PyTorch saved): byte
 * flips, truncations, inserted and deleted runs, and 2-, 4- and 8-byte fields overwritten with
 * extreme values (lengths, sizes, offsets, counts). The only outcomes allowed are tensors, or a
 * {@link TensorFileException} whose message names the file and carries no Java or library
 * internals; anything else fails with the seed, the round and the mutation. The reader runs
 * within a 64 MB budget, and the class in a 512 MB JVM ({@code gradcheck/pom.xml}).
 *
 * <p>In CI: 4000 mutations, seed 20261207. By hand:
 * {@code mvn -o -q test -pl gradcheck -am -Dtest=TensorFileFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dgradcheck.fuzz.rounds=100000 -Dgradcheck.fuzz.seed=7}.
 */
class TensorFileFuzzTest {
    private static final long BUDGET = 64L << 20;
    private static final long MAX_ELEMENTS = 1_000_000;
    private static final long[] EXTREMES = {0, 1, -1, 0x7F, 0xFF, 0x7FFF, 0xFFFF, Integer.MAX_VALUE, 0xFFFFFFFFL,
        1L << 32, 1L << 40, 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE};

    @TempDir
    Path dir;

    /** A seed file: its name (the extension matters) and bytes. */
    private record Seed(String name, byte[] bytes) {
    }

    private List<Seed> seeds() throws IOException {
        List<Seed> out = new ArrayList<>();
        for (String f : List.of("mlp_state_dict.pt", "views.pt", "mlp_inputs.pt", "mlp_state_dict.safetensors",
                "mlp_state_dict_f32.safetensors", "mlp_grads_f32_widened.npz", "views_expected.npz")) {
            out.add(new Seed(f, Files.readAllBytes(CheckpointFixturesTest.fixture(f))));
        }
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("W", Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2));
        t.put("y", Tensor.ofLongs(new long[] {0, 1, 1}, 3));
        Path deflated = dir.resolve("seed-deflated.npz");
        Npz.write(deflated, t, true);
        out.add(new Seed("deflated.npz", Files.readAllBytes(deflated)));
        out.add(new Seed("W.npy", Npy.toBytes(t.get("W"))));
        return out;
    }

    @Test
    void mutationsGiveTensorsOrACleanError() throws IOException {
        long seed = Long.getLong("gradcheck.fuzz.seed", 20261207L);
        int rounds = Integer.getInteger("gradcheck.fuzz.rounds", 4000);
        SplittableRandom rng = new SplittableRandom(seed);
        List<Seed> seeds = seeds();
        int valid = 0;
        int errors = 0;
        Map<String, Integer> perFormat = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            Seed s = seeds.get(rng.nextInt(seeds.size()));
            StringBuilder how = new StringBuilder();
            byte[] mutated = mutate(s.bytes(), rng, how);
            Path file = dir.resolve("fuzz-" + (round % 16) + "-" + s.name());
            Files.write(file, mutated);
            try {
                List<StoredTensor> read = TensorFiles.read(file, MAX_ELEMENTS, ReadBudget.of(BUDGET, "the test's 64 MB"));
                read.forEach(x -> x.tensor().size());
                valid++;
            } catch (TensorFileException e) {
                String msg = e.getMessage();
                if (!msg.startsWith(file.toString())
                        || msg.matches("(?s).*(java\\.|Exception|razorvine|jackson|\\tat ).*")) {
                    fail(report(seed, round, s, how, "an unclear message: " + msg));
                }
                errors++;
            } catch (RuntimeException | Error e) {
                fail(report(seed, round, s, how, e.toString()), e);
            }
            perFormat.merge(s.name().substring(s.name().lastIndexOf('.')), 1, Integer::sum);
        }
        System.out.printf(Locale.ROOT, "tensor file fuzz: %d mutations (%s), %d still valid, %d clean errors, "
                + "0 other outcomes, %.1f s, seed %d%n", rounds, perFormat, valid, errors, (System.nanoTime() - t0) / 1e9,
                seed);
    }

    private static String report(long seed, int round, Seed s, StringBuilder how, String what) {
        return "seed " + seed + ", round " + round + ", " + s.name() + " " + how + ": " + what;
    }

    private static byte[] mutate(byte[] in, SplittableRandom rng, StringBuilder how) {
        byte[] b = in.clone();
        int kinds = 1 + rng.nextInt(2);
        for (int k = 0; k < kinds; k++) {
            if (b.length == 0) {
                return b;
            }
            int at = rng.nextInt(b.length);
            switch (rng.nextInt(7)) {
                case 0 -> {
                    int n = 1 + rng.nextInt(8);
                    how.append("[flip ").append(n).append(" from ").append(at).append(']');
                    for (int i = 0; i < n; i++) {
                        b[rng.nextInt(b.length)] = (byte) rng.nextInt(256);
                    }
                }
                case 1 -> {
                    how.append("[cut at ").append(at).append(']');
                    b = Arrays.copyOf(b, at);
                }
                case 2 -> {
                    int n = 1 + rng.nextInt(64);
                    how.append("[insert ").append(n).append(" at ").append(at).append(']');
                    byte[] r = new byte[n];
                    rng.nextBytes(r);
                    byte[] o = new byte[b.length + n];
                    System.arraycopy(b, 0, o, 0, at);
                    System.arraycopy(r, 0, o, at, n);
                    System.arraycopy(b, at, o, at + n, b.length - at);
                    b = o;
                }
                case 3 -> {
                    int n = Math.min(1 + rng.nextInt(64), b.length - at);
                    how.append("[delete ").append(n).append(" at ").append(at).append(']');
                    byte[] o = new byte[b.length - n];
                    System.arraycopy(b, 0, o, 0, at);
                    System.arraycopy(b, at + n, o, at, b.length - at - n);
                    b = o;
                }
                default -> {
                    // a little-endian field of 2, 4 or 8 bytes set to an extreme: a length, a size, an offset
                    int width = new int[] {2, 4, 8}[rng.nextInt(3)];
                    if (at + width > b.length) {
                        break;
                    }
                    long v = EXTREMES[rng.nextInt(EXTREMES.length)] + (rng.nextBoolean() ? 0 : rng.nextInt(3) - 1);
                    how.append("[set ").append(width).append(" bytes at ").append(at).append(" to ").append(v).append(']');
                    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                    switch (width) {
                        case 2 -> buf.putShort(at, (short) v);
                        case 4 -> buf.putInt(at, (int) v);
                        default -> buf.putLong(at, v);
                    }
                }
            }
        }
        return b;
    }
}
