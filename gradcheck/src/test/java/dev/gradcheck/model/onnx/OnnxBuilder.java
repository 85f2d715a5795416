package dev.gradcheck.model.onnx;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes small ONNX models field by field (the tests' side of the field numbers the reader
 * decodes), so tests can make exactly the malformed or unusual file they need.
 */
final class OnnxBuilder {
    static final int FLOAT = 1;
    static final int INT32 = 6;
    static final int INT64 = 7;
    static final int STRING = 8;
    static final int BOOL = 9;
    static final int FLOAT16 = 10;
    static final int DOUBLE = 11;
    static final int COMPLEX64 = 14;
    static final int BFLOAT16 = 16;

    private int opset = 17;
    private String domain = "";
    private final List<Msg> nodes = new ArrayList<>();
    private final List<Msg> initializers = new ArrayList<>();
    private final List<Msg> inputs = new ArrayList<>();
    private final List<Msg> outputs = new ArrayList<>();

    /** A protobuf message being written. */
    static final class Msg {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

        Msg varint(int field, long v) {
            return write(() -> out.writeInt64(field, v));
        }

        Msg string(int field, String s) {
            return write(() -> out.writeString(field, s));
        }

        Msg bytes(int field, byte[] b) {
            return write(() -> out.writeByteArray(field, b));
        }

        Msg msg(int field, Msg m) {
            return bytes(field, m.toBytes());
        }

        Msg fixed32(int field, float f) {
            return write(() -> out.writeFloat(field, f));
        }

        Msg packedLongs(int field, long... v) {
            return write(() -> {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                CodedOutputStream c = CodedOutputStream.newInstance(b);
                for (long x : v) {
                    c.writeInt64NoTag(x);
                }
                c.flush();
                out.writeByteArray(field, b.toByteArray());
            });
        }

        Msg packedFloats(int field, float... v) {
            return write(() -> {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                CodedOutputStream c = CodedOutputStream.newInstance(b);
                for (float x : v) {
                    c.writeFloatNoTag(x);
                }
                c.flush();
                out.writeByteArray(field, b.toByteArray());
            });
        }

        Msg packedDoubles(int field, double... v) {
            return write(() -> {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                CodedOutputStream c = CodedOutputStream.newInstance(b);
                for (double x : v) {
                    c.writeDoubleNoTag(x);
                }
                c.flush();
                out.writeByteArray(field, b.toByteArray());
            });
        }

        byte[] toBytes() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        private interface Write {
            void run() throws IOException;
        }

        private Msg write(Write w) {
            try {
                w.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }
    }

    // ------------------------------------------------------------------ tensors

    /** A TensorProto with name, type and dims; add its data with the Msg methods (field 9 raw, 4 float, …). */
    static Msg tensor(String name, int type, long... dims) {
        Msg t = new Msg();
        t.packedLongs(1, dims).varint(2, type);
        if (name != null) {
            t.string(8, name);
        }
        return t;
    }

    /** A float64 tensor with its values in raw_data. */
    static Msg doubles(String name, long[] dims, double... v) {
        byte[] raw = new byte[v.length * 8];
        java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().put(v);
        return tensor(name, DOUBLE, dims).bytes(9, raw);
    }

    /** An int64 tensor in int64_data. */
    static Msg longs(String name, long[] dims, long... v) {
        return tensor(name, INT64, dims).packedLongs(7, v);
    }

    // ------------------------------------------------------------------ attributes

    static Msg attrInt(String name, long v) {
        return new Msg().string(1, name).varint(20, 2).varint(3, v);
    }

    static Msg attrFloat(String name, float v) {
        return new Msg().string(1, name).varint(20, 1).fixed32(2, v);
    }

    static Msg attrInts(String name, long... v) {
        return new Msg().string(1, name).varint(20, 7).packedLongs(8, v);
    }

    static Msg attrString(String name, String v) {
        return new Msg().string(1, name).varint(20, 3).bytes(4, v.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static Msg attrTensor(String name, Msg tensor) {
        return new Msg().string(1, name).varint(20, 4).msg(5, tensor);
    }

    // ------------------------------------------------------------------ graph

    OnnxBuilder opset(int v) {
        this.opset = v;
        return this;
    }

    OnnxBuilder opsetDomain(String d) {
        this.domain = d;
        return this;
    }

    /** A graph input; dims are Integers (values) or Strings (symbolic names); none at all: no shape. */
    OnnxBuilder input(String name, int elemType, Object... dims) {
        Msg shape = new Msg();
        for (Object d : dims) {
            shape.msg(1, d instanceof String s ? new Msg().string(2, s) : new Msg().varint(1, ((Number) d).longValue()));
        }
        Msg tensorType = new Msg().varint(1, elemType).msg(2, shape);
        inputs.add(new Msg().string(1, name).msg(2, new Msg().msg(1, tensorType)));
        return this;
    }

    /** A graph input of element type {@code elemType} that gives no shape. */
    OnnxBuilder inputWithoutShape(String name, int elemType) {
        inputs.add(new Msg().string(1, name).msg(2, new Msg().msg(1, new Msg().varint(1, elemType))));
        return this;
    }

    OnnxBuilder output(String name) {
        outputs.add(new Msg().string(1, name));
        return this;
    }

    OnnxBuilder initializer(Msg tensor) {
        initializers.add(tensor);
        return this;
    }

    /** A node named {@code name} (null: none) of op {@code op}. */
    OnnxBuilder node(String name, String op, List<String> in, List<String> out, Msg... attrs) {
        return node(name, op, "", in, out, attrs);
    }

    OnnxBuilder node(String name, String op, String nodeDomain, List<String> in, List<String> out, Msg... attrs) {
        Msg n = new Msg();
        for (String i : in) {
            n.string(1, i);
        }
        for (String o : out) {
            n.string(2, o);
        }
        if (name != null) {
            n.string(3, name);
        }
        n.string(4, op);
        for (Msg a : attrs) {
            n.msg(5, a);
        }
        if (!nodeDomain.isEmpty()) {
            n.string(7, nodeDomain);
        }
        nodes.add(n);
        return this;
    }

    /** The model's bytes. */
    byte[] build() {
        Msg g = new Msg();
        for (Msg n : nodes) {
            g.msg(1, n);
        }
        g.string(2, "test");
        for (Msg t : initializers) {
            g.msg(5, t);
        }
        for (Msg i : inputs) {
            g.msg(11, i);
        }
        for (Msg o : outputs) {
            g.msg(12, o);
        }
        return new Msg().varint(1, 8).string(2, "OnnxBuilder").msg(7, g)
                .msg(8, new Msg().string(1, domain).varint(2, opset)).toBytes();
    }

    /**
     * The usual small model: x [2, 3] (float64) through Gemm with W [4, 3] and b [4], then
     * ReduceSum to the scalar "loss".
     */
    static OnnxBuilder linear() {
        return new OnnxBuilder().input("x", DOUBLE, 2, 3)
                .initializer(doubles("W", new long[] {4, 3}, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2))
                .initializer(doubles("b", new long[] {4}, 0.5, -0.5, 0.25, -0.25))
                .node("fc", "Gemm", List.of("x", "W", "b"), List.of("h"), attrInt("transB", 1))
                .node("sum", "ReduceSum", List.of("h"), List.of("loss"), attrInt("keepdims", 0))
                .output("loss");
    }
}
