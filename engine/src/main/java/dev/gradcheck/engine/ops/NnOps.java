package dev.gradcheck.engine.ops;

import dev.gradcheck.engine.op.OpDef;
import java.util.List;

/**
 * The neural-network ops of torch.nn.functional: softmax and log_softmax, embedding, the losses,
 * conv2d, the 2-d pools, layer_norm and batch_norm, dropout; with the internal helpers
 * (embedding_dense_backward, unfold, fold) their backward rules are written with.
 */
final class NnOps {
    private NnOps() {
    }

    static List<OpDef> all() {
        return List.of(
                SoftmaxOps.SOFTMAX, SoftmaxOps.LOG_SOFTMAX,
                EmbeddingOps.EMBEDDING, EmbeddingOps.EMBEDDING_DENSE_BACKWARD,
                LossOps.CROSS_ENTROPY, LossOps.NLL_LOSS, LossOps.MSE_LOSS, LossOps.BCE_WITH_LOGITS,
                ConvOps.CONV2D, ConvOps.UNFOLD, ConvOps.FOLD,
                PoolOps.MAX_POOL2D, PoolOps.AVG_POOL2D,
                NormOps.LAYER_NORM, NormOps.BATCH_NORM,
                DropoutOps.DROPOUT);
    }
}
