package dev.gradcheck.model.onnx;

import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;

/**
 * What an ONNX value name stands for while the graph is converted: a constant known at load time
 * ({@link Const}: initializers of integer type, {@code Constant} nodes, and everything folded from
 * them, such as shape arithmetic), or a tensor of the engine graph ({@link Ref}: inputs, params,
 * buffers and node outputs).
 */
sealed interface Value permits Value.Const, Value.Ref {
    /** The static shape. */
    Shape shape();

    /** The ONNX element type it had in the file (its values are held as float64 or int64). */
    OnnxType type();

    /** The engine dtype. */
    default DType dtype() {
        return type().dtype();
    }

    /**
     * A constant: float types widened to float64 in {@code floats}, integer and bool types exact
     * in {@code ints}; exactly one of the two is non-null.
     */
    record Const(OnnxType type, Shape shape, double[] floats, long[] ints) implements Value {
        /** A float constant. */
        static Const ofFloats(OnnxType type, Shape shape, double[] v) {
            return new Const(type, shape, v, null);
        }

        /** An integer (or bool) constant. */
        static Const ofInts(OnnxType type, Shape shape, long[] v) {
            return new Const(type, shape, null, v);
        }

        /** A 1-d int64 constant. */
        static Const ofLongs(long... v) {
            return ofInts(OnnxType.INT64, Shape.of(v.length), v);
        }

        /** The number of elements. */
        int size() {
            return floats != null ? floats.length : ints.length;
        }

        /** Element {@code i} as a double. */
        double doubleAt(int i) {
            return floats != null ? floats[i] : ints[i];
        }

        /** Every element as a double (a copy for integer constants). */
        double[] doubles() {
            if (floats != null) {
                return floats;
            }
            double[] d = new double[ints.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = ints[i];
            }
            return d;
        }

        /** The engine tensor holding these values. */
        Tensor tensor() {
            return ints != null ? Tensor.ofLongs(ints, shape.dims()) : Tensor.of(floats.clone(), shape);
        }

        /**
         * The constant an engine tensor holds, as {@code type}: float types keep the values, integer
         * types take them truncated toward zero (as ONNX's integer division).
         */
        static Const of(Tensor t, OnnxType type) {
            double[] d = t.data();
            if (type.isFloat()) {
                return ofFloats(type, t.shape(), d);
            }
            long[] l = new long[d.length];
            for (int i = 0; i < d.length; i++) {
                l[i] = (long) d[i];
            }
            return ofInts(type, t.shape(), l);
        }
    }

    /** A tensor of the engine graph, by name. */
    record Ref(String name, Shape shape, OnnxType type) implements Value {
    }
}
