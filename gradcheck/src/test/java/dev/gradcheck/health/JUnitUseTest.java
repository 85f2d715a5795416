package dev.gradcheck.health;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.model.Model;
import dev.gradcheck.model.ModelLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The one-line assertions a user's JUnit test would write. */
class JUnitUseTest {
    @Test
    void healthyModelPassesEveryAssertion() {
        Path file = Path.of("../examples/tiny-mlp.json");
        Shapes.of(file).assertFits();
        Model m = ModelLoader.load(file);
        Flow.run(m, m.initialValues(), FlowOptions.defaults()).assertHealthy();
        Sanity.run(m, m.initialValues(), SanityOptions.defaults().withSteps(100)).assertPassed();
    }

    @Test
    void sickModelsFailWithReadableMessages() {
        AssertionFailedError shapes = assertThrows(AssertionFailedError.class,
                () -> Shapes.of(SickModels.sick("shape-mismatch")).assertFits());
        assertTrue(shapes.getMessage().contains("hint: transposing W1"), shapes.getMessage());
        Model m = SickModels.load("dead-relu");
        AssertionFailedError flow = assertThrows(AssertionFailedError.class,
                () -> Flow.run(m, m.initialValues(), FlowOptions.defaults()).assertHealthy());
        assertTrue(flow.getMessage().startsWith("flow flagged 2 findings\n"), flow.getMessage());
        assertTrue(flow.getMessage().contains("FLAG dead_relu a1: "), flow.getMessage());
        AssertionFailedError sanity = assertThrows(AssertionFailedError.class,
                () -> Sanity.run(m, m.initialValues(), SanityOptions.defaults().withSteps(50)).assertPassed());
        assertTrue(sanity.getMessage().contains("FAIL overfit: "), sanity.getMessage());
    }
}
