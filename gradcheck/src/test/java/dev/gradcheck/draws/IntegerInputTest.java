package dev.gradcheck.draws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.CustomOpCheck;
import dev.gradcheck.Status;
import dev.gradcheck.testing.TableLookup;
import org.junit.jupiter.api.Test;

/**
 * An input with an integer domain (an embedding's index) is never perturbed: the op is not called
 * at a non-integer index (which an embedding rightly refuses), the input's result is skipped, and
 * the other inputs are checked as usual. Before, the index was differentiated numerically like any
 * input and only relabelled afterwards, so a correct embedding was an error.
 */
class IntegerInputTest {
    @Test
    void anEmbeddingIsCheckedInItsTableOnly() {
        TableLookup op = new TableLookup("embedding", false);
        CheckResult r = CustomOpCheck.check(op, CheckOptions.defaults());
        assertEquals(Status.PASS, r.status(), r::toString);
        for (CheckResult in : r.inputs()) {
            if (in.name().equals("input0")) {
                assertEquals(Status.SKIPPED, in.status(), r::toString);
                assertTrue(in.error().contains("integer values (integer in [0, 3]): not differentiable (integer domain)"),
                        in::error);
            } else {
                assertEquals(Status.PASS, in.status(), r::toString);
            }
        }
        assertTrue(op.indicesSeen.stream().allMatch(i -> i == Math.rint(i)), () -> "perturbed: " + op.indicesSeen);
    }

    @Test
    void aWrongGradientOfTheTableIsAFailureNotAnError() {
        CheckResult r = CustomOpCheck.check(new TableLookup("embedding_wrong_row", true), CheckOptions.defaults());
        assertEquals(Status.FAIL, r.status(), r::toString);
        assertTrue(r.error() == null, r::toString);
    }
}
