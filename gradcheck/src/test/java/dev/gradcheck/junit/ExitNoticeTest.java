package dev.gradcheck.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CustomOp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An op that calls {@code System.exit} inside the test JVM ends it (that cannot be helped without
 * a JVM of its own), but the JVM's last words name the op, the call it was in and the line that
 * called {@code System.exit}, and its exit status is not the 0 the op asked for. Run in a JVM of
 * its own, as the exit would end this one ({@code ExitStatusTest} does the same under the console
 * launcher).
 */
class ExitNoticeTest {
    /** y = x², and backward ends the JVM. */
    public static final class ExitsInBackward implements CustomOp {
        @Override
        public String name() {
            return "exits_in_backward";
        }

        @Override
        public int[][] inputShapes() {
            return new int[][] {{2}};
        }

        @Override
        public double[] forward(double[][] in) {
            return new double[] {in[0][0] * in[0][0], in[0][1] * in[0][1]};
        }

        @Override
        public double[][] backward(double[][] in, double[] g) {
            System.exit(0);
            return null;
        }
    }

    /** What the test JVM would do: assert the op's gradients, here in a JVM of its own. */
    public static void main(String[] args) {
        GradAssertions.assertGradientsCorrect(new ExitsInBackward());
    }

    @Test
    void anOpThatEndsTheJvmIsNamedInItsLastWords() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ExitNoticeTest.class.getName()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        assertTrue(ended, "the JVM ended");
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(UnderCheck.EXIT_STATUS, p.exitValue(), "System.exit(0) must not end the run with status 0: " + err);
        assertTrue(err.contains("gradcheck: the JVM is ending while op 'exits_in_backward' is being checked "
                + "(in backward (call 1)): System.exit was called at "
                + "dev.gradcheck.junit.ExitNoticeTest$ExitsInBackward.backward(ExitNoticeTest.java:"), err);
    }
}
