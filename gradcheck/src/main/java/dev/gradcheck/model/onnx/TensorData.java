package dev.gradcheck.model.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.io.HalfFloats;
import dev.gradcheck.model.onnx.OnnxProto.TensorProto;
import dev.gradcheck.model.onnx.Value.Const;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The values of a {@code TensorProto}: its shape checked against the limits first, then its data
 * (from {@code raw_data}, a typed field or an external file) checked to hold exactly that many
 * elements, and only then decoded: floating types widened to float64 (float16 and bfloat16 by
 * their bits), integer and bool types exact as int64.
 */
final class TensorData {
    private TensorData() {
    }

    /**
     * The constant {@code t} holds.
     *
     * @param what how it reads in messages ({@code initializer 'fc.weight'}, {@code attribute 'value'})
     * @throws dev.gradcheck.model.ModelFileException naming the file, the place and the problem
     */
    static Const decode(TensorProto t, OnnxSource src, String what) {
        OnnxType type = OnnxType.of(t.dataType());
        if (type == null || type.kind() == OnnxType.Kind.UNSUPPORTED) {
            throw src.fail(t.pointer(), t.name(), what + " has element type " + OnnxType.label(t.dataType())
                    + ", which gradcheck does not read (it reads " + OnnxType.readable() + ")");
        }
        if (t.hasSegment()) {
            throw src.fail(t.pointer(), t.name(), what + " is a segment of a larger tensor, which gradcheck does not "
                    + "read");
        }
        Shape shape = shape(t.dims(), src, t.pointer(), t.name(), what);
        int n = shape.size();
        if (t.external()) {
            byte[] b = ExternalData.read(t, (long) n * type.bytes(), src, what);
            return fromRaw(ByteString.copyFrom(b), type, shape);
        }
        if (t.raw() != null) {
            long need = (long) n * type.bytes();
            if (t.raw().size() != need) {
                throw src.fail(t.pointer(), t.name(), what + " has shape " + shape + " of " + type.label() + " ("
                        + need + " bytes), but its raw_data has " + t.raw().size() + " bytes");
            }
            return fromRaw(t.raw(), type, shape);
        }
        ByteString typed = typedField(t, type);
        if (typed == null) {
            if (n == 0) {
                return type.isFloat() ? Const.ofFloats(type, shape, new double[0])
                        : Const.ofInts(type, shape, new long[0]);
            }
            throw src.fail(t.pointer(), t.name(), what + " of shape " + shape + " holds no data (no raw_data and no "
                    + fieldName(type) + ")");
        }
        try {
            return fromTyped(typed, type, shape, n, t, src, what);
        } catch (IOException e) {
            throw src.fail(t.pointer(), t.name(), what + ": its " + fieldName(type) + " is corrupt (" + e.getMessage()
                    + ")", e);
        }
    }

    /**
     * A shape from ONNX dims, refusing negative, absurd or over-the-limit sizes before anything
     * is allocated.
     */
    static Shape shape(long[] dims, OnnxSource src, String pointer, String node, String what) {
        if (dims.length > 32) {
            throw src.fail(pointer, node, what + " has " + dims.length + " dimensions; at most 32 are allowed");
        }
        long max = src.limits().maxElementsPerTensor();
        int[] d = new int[dims.length];
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw src.fail(pointer, node, what + " has a negative dimension in shape " + dimsText(dims));
            }
            if (dims[i] > max) {
                throw src.fail(pointer, node, what + " has an absurd dimension " + dims[i] + " in shape "
                        + dimsText(dims) + ": over the limit of " + max + " elements per tensor");
            }
            d[i] = (int) dims[i];
            n *= Math.max(1, dims[i]);
            if (n > max) {
                throw src.fail(pointer, node, what + " of shape " + dimsText(dims) + " has more than the limit of "
                        + max + " elements per tensor");
            }
        }
        return Shape.of(d);
    }

    /** Dims as shapes print everywhere: {@code [8, 4]} (cut short when long). */
    static String dimsText(long[] dims) {
        String s = Arrays.toString(dims.length > 12 ? Arrays.copyOf(dims, 12) : dims);
        return dims.length > 12 ? s.substring(0, s.length() - 1) + ", …]" : s;
    }

    private static Const fromRaw(ByteString raw, OnnxType type, Shape shape) {
        int n = shape.size();
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (type.isFloat()) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = switch (type) {
                    case FLOAT -> b.getFloat();
                    case DOUBLE -> b.getDouble();
                    case FLOAT16 -> half(b.getShort() & 0xffff);
                    default -> bfloat16(b.getShort() & 0xffff);
                };
            }
            return Const.ofFloats(type, shape, v);
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (type) {
                case UINT8 -> b.get() & 0xff;
                case INT8 -> b.get();
                case BOOL -> b.get() != 0 ? 1 : 0;
                case UINT16 -> b.getShort() & 0xffff;
                case INT16 -> b.getShort();
                case INT32 -> b.getInt();
                case UINT32 -> b.getInt() & 0xffffffffL;
                default -> b.getLong(); // INT64, UINT64
            };
        }
        return Const.ofInts(type, shape, v);
    }

    /** The typed data field the IR stores this type in, or null when absent. */
    private static ByteString typedField(TensorProto t, OnnxType type) {
        return switch (type) {
            case FLOAT -> t.floatData();
            case DOUBLE -> t.doubleData();
            case INT64 -> t.int64Data();
            case UINT32, UINT64 -> t.uint64Data();
            default -> t.int32Data(); // int32, int16, int8, uint16, uint8, bool, float16, bfloat16
        };
    }

    private static String fieldName(OnnxType type) {
        return switch (type) {
            case FLOAT -> "float_data";
            case DOUBLE -> "double_data";
            case INT64 -> "int64_data";
            case UINT32, UINT64 -> "uint64_data";
            default -> "int32_data";
        };
    }

    private static Const fromTyped(ByteString data, OnnxType type, Shape shape, int n, TensorProto t, OnnxSource src,
            String what) throws IOException {
        if (type == OnnxType.FLOAT || type == OnnxType.DOUBLE) {
            int width = type == OnnxType.FLOAT ? 4 : 8;
            if (data.size() != (long) n * width) {
                throw src.fail(t.pointer(), t.name(), what + " has shape " + shape + " (" + n + " elements), but its "
                        + fieldName(type) + " holds " + data.size() / width + " values");
            }
            ByteBuffer b = data.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = width == 4 ? b.getFloat() : b.getDouble();
            }
            return Const.ofFloats(type, shape, v);
        }
        // varints: count while decoding, never past the n the shape allows
        CodedInputStream in = data.newCodedInput();
        long[] v = new long[n];
        int count = 0;
        while (!in.isAtEnd()) {
            long x = in.readRawVarint64();
            if (count == n) {
                throw src.fail(t.pointer(), t.name(), what + " has shape " + shape + " (" + n + " elements), but its "
                        + fieldName(type) + " holds more values");
            }
            v[count++] = x;
        }
        if (count != n) {
            throw src.fail(t.pointer(), t.name(), what + " has shape " + shape + " (" + n + " elements), but its "
                    + fieldName(type) + " holds " + count + " values");
        }
        if (type.isFloat()) {
            double[] f = new double[n];
            for (int i = 0; i < n; i++) {
                int bits = (int) v[i] & 0xffff;
                f[i] = type == OnnxType.FLOAT16 ? half(bits) : bfloat16(bits);
            }
            return Const.ofFloats(type, shape, f);
        }
        for (int i = 0; i < n; i++) {
            v[i] = switch (type) {
                case INT32, INT16, INT8 -> (int) v[i]; // int32_data holds sign-extended values
                case BOOL -> v[i] != 0 ? 1 : 0;
                case UINT8 -> v[i] & 0xff;
                case UINT16 -> v[i] & 0xffff;
                default -> v[i];
            };
        }
        return Const.ofInts(type, shape, v);
    }

    /** An IEEE 754 half-precision value from its 16 bits, exactly. */
    static double half(int bits) {
        return HalfFloats.float16(bits);
    }

    /** A bfloat16 value from its 16 bits (the high half of a float32), exactly. */
    static double bfloat16(int bits) {
        return HalfFloats.bfloat16(bits);
    }
}
