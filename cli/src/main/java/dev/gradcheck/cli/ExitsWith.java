package dev.gradcheck.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The exit codes ({@link ExitCodes}) a command can return, in order; its help lists exactly these,
 * each with its one meaning ({@link ExitCodes#meaning}), see {@link ExitCodeHelp}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface ExitsWith {
    /** The codes. */
    int[] value();
}
