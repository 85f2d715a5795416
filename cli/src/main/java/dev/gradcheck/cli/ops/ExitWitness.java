package dev.gradcheck.cli.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gradcheck.internal.ExitCall;
import java.util.Map;
import java.util.function.Supplier;

/**
 * In the checking JVM: a shutdown hook that tells the parent, before the JVM ends, that user code
 * called {@code System.exit}, in which stage ({@code backward}, {@code creating demo.X}) and from
 * which line. {@code Runtime.halt} runs no hook; the parent then sees only the exit code.
 */
final class ExitWitness {
    private ExitWitness() {
    }

    /**
     * Installs the hook.
     *
     * @param channel to the parent
     * @param output what the op being checked printed so far
     * @param orderly true once the parent asked the JVM to end (then the hook says nothing)
     */
    static void install(ChildChannel channel, Supplier<String> output, Supplier<Boolean> orderly) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (orderly.get()) {
                return;
            }
            ObjectNode exit = Wire.object();
            Map.Entry<Thread, String> call = ExitCall.find();
            if (call != null) {
                String stage = UserCalls.stageOf(call.getKey());
                exit.put("stage", stage != null ? stage : "a thread the op started");
                exit.put("at", call.getValue());
            }
            exit.put("output", output.get());
            ObjectNode message = Wire.object();
            message.set("exit", exit);
            channel.trySend(message);
        }, "gradcheck-exit-witness"));
    }
}
