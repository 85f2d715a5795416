package dev.gradcheck.internal;

/** The scalar φ(t) = ⟨gradOutput, f(x + t·d)⟩ along one direction d, for finite differences. */
public interface Line {
    /** φ(t). */
    double at(double t);

    /** The displacement actually realised for a requested {@code t} (after rounding the point). */
    default double snap(double t) {
        return t;
    }
}
