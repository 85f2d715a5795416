package dev.gradcheck.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The params of an ONNX graph that PyTorch's exporter computed from the module's params at export
 * and stored as initializers under names of its own ({@code onnx::Expand_62} for a folded
 * {@code b.unsqueeze(0).expand(3, 6)}, {@code onnx::Conv_64} for a BatchNorm merged into its
 * Conv, {@code onnx::MatMul_186} for a Linear's weight stored transposed). Such a param is a
 * frozen copy: the path from the module's param through it is cut in the graph, it gets a
 * gradient PyTorch never computes, and it does not follow a changed param. What the names tell
 * about how they came about, and the export options that keep the graph whole, are said here
 * once for every message that needs them.
 */
public final class FoldedConstants {
    /** The prefix PyTorch's ONNX exporter gives the initializers it makes. */
    public static final String PREFIX = "onnx::";

    private FoldedConstants() {
    }

    /** True for a name of the exporter's making. */
    public static boolean isFolded(String name) {
        return name.startsWith(PREFIX);
    }

    /** {@code model}'s params named by the exporter, in order. */
    public static List<String> of(Model model) {
        return model.paramNames().stream().filter(FoldedConstants::isFolded).toList();
    }

    /**
     * How {@code folded} came about, as far as their names tell ({@code ": an eval-mode export
     * folds …"}), or {@code ""} when they do not tell.
     */
    public static String why(List<String> folded) {
        List<String> how = new ArrayList<>();
        if (folded.stream().anyMatch(f -> f.startsWith(PREFIX + "Conv"))) {
            how.add("an eval-mode export folds each BatchNorm into the Conv before it");
        }
        if (folded.stream().anyMatch(f -> f.startsWith(PREFIX + "MatMul") || f.startsWith(PREFIX + "Gemm"))) {
            how.add("constant folding stores a Linear's weight transposed for MatMul");
        }
        return how.isEmpty() ? "" : ": " + String.join("; ", how);
    }

    /**
     * The export options that keep the module's params and the paths from them: training mode
     * where a BatchNorm was merged into its Conv (an eval-mode export does that even without
     * folding), else no constant folding.
     */
    public static String reexport(List<String> folded) {
        if (folded.stream().anyMatch(f -> f.startsWith(PREFIX + "Conv"))) {
            return "re-export in training mode (training=torch.onnx.TrainingMode.TRAINING, do_constant_folding=False)";
        }
        // training mode alone does not stop folding (PyTorch 1.13 folded an expanded param with it)
        return "re-export with do_constant_folding=False";
    }

    /** Up to four names, then how many more. */
    public static String list(List<String> names) {
        String shown = String.join(", ", names.subList(0, Math.min(names.size(), 4)));
        return names.size() <= 4 ? shown : shown + " and " + (names.size() - 4) + " more";
    }
}
