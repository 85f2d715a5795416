package dev.gradcheck.model.onnx;

import dev.gradcheck.model.FloatPrecision;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the reader tells the report about how it read an ONNX file: the precision it widened from
 * (all arithmetic, constant folding included, runs in float64), symbolic dimensions it gave a
 * default, and other choices a user should know of.
 */
final class OnnxNotes {
    private final Set<String> widenedTypes = new LinkedHashSet<>();
    private final Set<String> floatTypes = new LinkedHashSet<>();
    private boolean widenedAttributes;
    private FloatPrecision constantsPrecision = FloatPrecision.FLOAT64;
    private final List<String> lines = new ArrayList<>();

    /** A tensor of {@code type} was read (widened to float64 unless it was float64). */
    void widened(OnnxType type) {
        if (type.isFloat()) {
            floatTypes.add(type.label());
            if (type != OnnxType.DOUBLE) {
                widenedTypes.add(type.label());
            }
        }
    }

    /**
     * A constant the graph computes with (a Constant node's tensor, an initializer read at load
     * time), not a param or buffer a values file may replace. A float one stored narrower than
     * float64 makes the model's {@link #constantsPrecision()} that coarse when one of its values
     * is not the short decimal it reads as ({@code 0.5f} and {@code 2f} are exact, the float32
     * nearest to 0.044715 or to sqrt(2/pi), which the exporter computed, is not).
     */
    void constant(Value.Const c) {
        FloatPrecision p = c.floats() != null ? FloatPrecision.of(c.type().label()) : null;
        if (p == null || constantsPrecision.coarser(p) == constantsPrecision) {
            return;
        }
        for (double v : c.floats()) {
            if (Double.isFinite(v) && Double.parseDouble(Float.toString((float) v)) != v) {
                constantsPrecision = constantsPrecision.coarser(p);
                return;
            }
        }
    }

    /** The coarsest precision of the float constants seen (float64 when none was narrower). */
    FloatPrecision constantsPrecision() {
        return constantsPrecision;
    }

    /** A float32 attribute was widened. */
    void widenedAttribute() {
        widenedAttributes = true;
    }

    /** Adds a line (once). */
    void add(String line) {
        if (!lines.contains(line)) {
            lines.add(line);
        }
    }

    /** The float types widened to float64 (e.g. {@code float32}), in the order met. */
    List<String> widenedTypes() {
        return List.copyOf(widenedTypes);
    }

    /** Every note, the precision note first. */
    List<String> lines() {
        List<String> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder("computed in float64: ");
        if (widenedTypes.isEmpty()) {
            sb.append(floatTypes.isEmpty() ? "the file holds no float tensors" : "the file's tensors are float64");
        } else {
            sb.append("the file's ").append(String.join(", ", widenedTypes)).append(" tensors are widened to float64");
        }
        if (widenedAttributes) {
            sb.append("; its float32 attributes (eps, alpha, …) are widened through their shortest decimal (1e-05 "
                    + "stays 1e-05)");
        }
        sb.append("; all arithmetic, constant folding included, runs in float64");
        out.add(sb.toString());
        out.addAll(lines);
        return out;
    }
}
