/**
 * The gradient checker, shape verifier, anomaly detectors, model files and the JUnit 5 extension.
 * {@code dev.gradcheck.internal} (the checker's machinery) is not exported. Custom ops are found
 * as {@link dev.gradcheck.CustomOp} services.
 */
@SuppressWarnings("requires-automatic") // quicktheories and pickle have no module names of their own
module dev.gradcheck {
    requires transitive dev.gradcheck.engine;
    requires dev.gradcheck.kernels;
    requires transitive com.fasterxml.jackson.databind;
    requires transitive org.junit.jupiter.api;
    requires transitive org.opentest4j;
    requires org.junit.platform.commons;
    requires java.management;
    requires pickle;
    requires static quicktheories;

    exports dev.gradcheck;
    exports dev.gradcheck.bench;
    exports dev.gradcheck.generators;
    exports dev.gradcheck.health;
    exports dev.gradcheck.io;
    exports dev.gradcheck.junit;
    exports dev.gradcheck.model;
    exports dev.gradcheck.model.incremental;
    exports dev.gradcheck.report;

    uses dev.gradcheck.CustomOp;
}
