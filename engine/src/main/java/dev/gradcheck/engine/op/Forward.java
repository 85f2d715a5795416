package dev.gradcheck.engine.op;

/** An op's forward kernel: plain arrays in, a fresh array of {@code args.out().size()} out. */
@FunctionalInterface
public interface Forward {
    double[] apply(ForwardArgs args);
}
