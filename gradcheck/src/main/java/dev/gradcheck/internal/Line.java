package dev.gradcheck.internal;

/** The scalar φ(t) = ⟨gradOutput, f(x + t·d)⟩ along one direction d, for finite differences. */
public interface Line {
    /** φ(t). */
    double at(double t);

    /** The displacement actually realised for a requested {@code t} (after rounding the point). */
    default double snap(double t) {
        return t;
    }

    /**
     * Σ|uₖ·fₖ(x)| over the outputs the evaluations so far moved: the scale of φ's round-off along
     * this line. NaN when the line does not know (then every output counts).
     */
    default double scale() {
        return Double.NaN;
    }
}
