package dev.gradcheck.engine;

import dev.gradcheck.engine.op.OpDef;

/** How a non-leaf tensor was made: the op, its resolved attributes and its inputs. */
final class Node {
    final OpDef op;
    final Attrs attrs;
    final Tensor[] inputs;
    /** Where user code created the op; recorded only in anomaly mode (null otherwise). */
    final StackWalker.StackFrame site;

    Node(OpDef op, Attrs attrs, Tensor[] inputs, StackWalker.StackFrame site) {
        this.op = op;
        this.attrs = attrs;
        this.inputs = inputs;
        this.site = site;
    }
}
