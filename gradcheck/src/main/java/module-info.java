/**
 * The gradient checker, shape verifier, anomaly detectors, model files (JSON and ONNX) and the
 * JUnit 5 extension. {@code dev.gradcheck.internal} (the checker's machinery) is exported to the
 * command line alone. Custom ops are found as {@link dev.gradcheck.CustomOp} services.
 */
// quicktheories and pickle have no module names of their own; the cli module is compiled after this one
@SuppressWarnings({"requires-automatic", "module"})
module dev.gradcheck {
    requires transitive dev.gradcheck.engine;
    requires dev.gradcheck.kernels;
    requires transitive com.fasterxml.jackson.databind;
    // the JUnit extension's API: optional, the user's test scope brings JUnit
    requires static org.junit.jupiter.api;
    requires transitive org.opentest4j;
    requires static org.junit.platform.commons;
    requires java.management;
    requires pickle;
    requires com.google.protobuf;
    requires static quicktheories;

    exports dev.gradcheck;
    exports dev.gradcheck.bench;
    exports dev.gradcheck.generators;
    exports dev.gradcheck.health;
    exports dev.gradcheck.io;
    exports dev.gradcheck.junit;
    exports dev.gradcheck.model;
    exports dev.gradcheck.model.incremental;
    exports dev.gradcheck.model.onnx;
    exports dev.gradcheck.report;
    // the command line's compare and ops reuse the diagnoser and the seed mixer (not public API)
    exports dev.gradcheck.internal to dev.gradcheck.cli;
    exports dev.gradcheck.internal.diagnosis to dev.gradcheck.cli;

    uses dev.gradcheck.CustomOp;
}
