package dev.gradcheck.properties;

import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.AssertionFailedError;

/**
 * Every op in the registry, enumerated from {@link OpRegistry#all()} (so an op is fuzzed the
 * moment it is registered), against every property that applies to it: one container per op,
 * named by the op, one test per property.
 */
class OpPropertiesTest {
    /** The properties, in report order. Add a property here and every op gets it. */
    static final List<OpProperty> PROPERTIES = List.of(
            new GradientProperty(),
            new SecondOrderProperty(),
            new AdjointProperty(),
            new JvpProperty(),
            new JvpAdjointProperty(),
            new HvpProperty(),
            new BroadcastShapesProperty(),
            new ShapeRuleProperty(),
            new DeterminismProperty(),
            new NoMutationProperty());

    @TestFactory
    Stream<DynamicNode> everyRegisteredOp() {
        Set<String> only = PropsConfig.opFilter();
        List<OpDef> ops = OpRegistry.all().stream().filter(op -> only == null || only.contains(op.name()))
                .collect(Collectors.toList());
        if (ops.isEmpty()) {
            throw new AssertionFailedError("no registered op matches -Dgradcheck.props.op=" + only);
        }
        long seed = PropsConfig.seed();
        return ops.stream().map(op -> dynamicContainer(op.name(), tests(op, seed)));
    }

    private static Stream<DynamicNode> tests(OpDef op, long seed) {
        if (op.samples() == null) {
            return Stream.of(dynamicTest(op.name() + ": has a sample generator", () -> {
                if (!op.internal()) {
                    throw new AssertionFailedError("op '" + op.name() + "' has no sample generator, so no property "
                            + "can be checked: give its OpDef .samples(...)");
                }
                Assumptions.abort("internal helper '" + op.name() + "' has no sample generator; it is exercised "
                        + "through the backward rules that use it");
            }));
        }
        return PROPERTIES.stream().filter(p -> p.appliesTo(op)).map(p -> dynamicTest(op.name() + ": " + p.name(),
                () -> PropertyRunner.run(op, p, seed, PropsConfig.examples(p.defaultExamples()))));
    }
}
