package dev.gradcheck.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.CheckReport;
import dev.gradcheck.CheckResult;
import dev.gradcheck.report.JsonReport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A check labelled with its seed (several seeds) is the same check as the one run alone, field for field. */
class LabelledResultsTest {
    @Test
    void aLabelledResultKeepsEveryFieldOfTheCheck() {
        CheckReport both = GradChecker.defaults().seeds(3, 4).check(new JunitOps.Swish());
        CheckReport alone = GradChecker.defaults().seeds(4).check(new JunitOps.Swish());
        CheckResult labelled = both.checks().get(1);
        assertEquals("swish (seed 4, shapes [4, 8])", labelled.name());
        CheckResult plain = alone.checks().get(0).toBuilder().name(labelled.name()).build();
        assertEquals(json(plain), json(labelled));
    }

    @Test
    void renamingKeepsWhatTheReportShows() {
        CheckResult r = CheckResult.builder("x").taylorSlope(2.0).resolution(1e-8, 1e-12).entriesSkipped(3)
                .draw(2, 10.0).diagnosis("why").build();
        CheckResult renamed = r.toBuilder().name("y").build();
        assertEquals("y", renamed.name());
        assertEquals(json(r).replace("\"x\"", "\"y\""), json(renamed));
    }

    private static String json(CheckResult r) {
        ObjectNode tree = JsonReport.tree(new CheckReport("test", 0, 0, List.of(r)));
        return tree.get("checks").toString();
    }
}
