package dev.gradcheck.engine.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.engine.nn.examples.TrainingLoop;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingLoopTest {

    @Test
    void theSeedNotesTrainingLoopDrivesTheLossDown() {
        for (long seed : new long[] {0, 1, 2}) {
            TrainingLoop.Result r = TrainingLoop.run(40, seed, false);
            List<Double> l = r.epochLosses();
            double first = l.get(0);
            double last = l.get(l.size() - 1);
            assertTrue(last < 0.5 * first, "seed " + seed + ": loss went from " + first + " to " + last
                    + ", expected below half");
            double early = (l.get(0) + l.get(1) + l.get(2)) / 3;
            double late = (l.get(l.size() - 1) + l.get(l.size() - 2) + l.get(l.size() - 3)) / 3;
            assertTrue(late < early, "seed " + seed + ": last three epochs " + late + " vs first three " + early);
            // Chance on three classes is 1/3.
            assertTrue(r.accuracy() > 0.8, "seed " + seed + ": accuracy " + r.accuracy());
        }
    }
}
