/**
 * The {@code gradcheck} command line. Shipped as one shaded jar run from the class path (this
 * descriptor is left out of it); the descriptor states which modules the commands use and lets
 * picocli reflect on the command classes.
 */
@SuppressWarnings("requires-automatic") // jfreechart has no module descriptor
module dev.gradcheck.cli {
    requires dev.gradcheck;
    requires dev.gradcheck.engine;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;
    requires org.jfree.jfreechart;
    requires org.jfree.svg;
    requires java.desktop;
    requires java.management; // the checking JVM of ops --jar inherits this JVM's -X options
    requires jdk.unsupported; // sun.misc.Signal: Ctrl-C ends a check with its partial report

    // picocli sets the commands' and mixins' annotated fields by reflection
    opens dev.gradcheck.cli to info.picocli;
}
