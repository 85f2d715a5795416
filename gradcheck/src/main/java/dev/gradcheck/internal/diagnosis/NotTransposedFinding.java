package dev.gradcheck.internal.diagnosis;

/**
 * The backward multiplies by the Jacobian where its transpose is the gradient: for an output of the
 * input's size, analytic equals J·gradOutput (the forward's directional derivative along
 * gradOutput, four forward calls) on every entry, while Jᵀ·gradOutput, the numeric gradient,
 * differs on 3 or more: dx = g·W for y = x·W with a square W, where g·Wᵀ is right. A J that is
 * symmetric (an elementwise op) gives J·g = Jᵀ·g and cannot show it.
 */
final class NotTransposedFinding implements Finding {
    static final String KIND = "not_transposed";

    @Override
    public Diagnosis test(Evidence e) {
        JacobianProbe p = e.jacobian;
        if (!e.full || p == null || p.outputSize() != p.inputSize() || p.inputSize() != e.size() || e.size() < 3) {
            return null;
        }
        JacobianProbe.Estimate along = p.forwardProduct(p.gradOutput());
        if (along == null || !Matching.everyEntryPredicted(e, along.value(), along.error(), 3)) {
            return null;
        }
        return Diagnosis.of(KIND, "analytic equals J·gradOutput" + e.every + " (J the forward's Jacobian, applied"
                + " forward by a directional difference), where the gradient is Jᵀ·gradOutput: the backward multiplies"
                + " by a matrix where its transpose was meant (e.g. dx = g·W for y = x·W with a square W, where g·Wᵀ"
                + " is right)");
    }
}
