package dev.gradcheck.model.onnx;

import dev.gradcheck.engine.DType;

/**
 * The element types of ONNX tensors ({@code TensorProto.DataType}) and how the reader takes
 * them: floating types are widened to float64, integer and boolean types held exactly as int64;
 * strings, complex numbers and 8-bit floats are refused.
 */
enum OnnxType {
    UNDEFINED(0, "undefined", 0, Kind.UNSUPPORTED),
    FLOAT(1, "float32", 4, Kind.FLOAT),
    UINT8(2, "uint8", 1, Kind.INT),
    INT8(3, "int8", 1, Kind.INT),
    UINT16(4, "uint16", 2, Kind.INT),
    INT16(5, "int16", 2, Kind.INT),
    INT32(6, "int32", 4, Kind.INT),
    INT64(7, "int64", 8, Kind.INT),
    STRING(8, "string", 0, Kind.UNSUPPORTED),
    BOOL(9, "bool", 1, Kind.INT),
    FLOAT16(10, "float16", 2, Kind.FLOAT),
    DOUBLE(11, "float64", 8, Kind.FLOAT),
    UINT32(12, "uint32", 4, Kind.INT),
    UINT64(13, "uint64", 8, Kind.INT),
    COMPLEX64(14, "complex64", 8, Kind.UNSUPPORTED),
    COMPLEX128(15, "complex128", 16, Kind.UNSUPPORTED),
    BFLOAT16(16, "bfloat16", 2, Kind.FLOAT);

    /** How values of a type are held. */
    enum Kind {
        /** Widened to float64. */
        FLOAT,
        /** Held exactly as int64 (booleans as 0 and 1). */
        INT,
        /** Not read. */
        UNSUPPORTED
    }

    private final int code;
    private final String label;
    private final int bytes;
    private final Kind kind;

    OnnxType(int code, String label, int bytes, Kind kind) {
        this.code = code;
        this.label = label;
        this.bytes = bytes;
        this.kind = kind;
    }

    /** The type with ONNX code {@code code}, or null for a code the IR does not define here (8-bit floats, 4-bit ints). */
    static OnnxType of(long code) {
        for (OnnxType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** A readable name for any code, known or not. */
    static String label(long code) {
        OnnxType t = of(code);
        return t != null ? t.label : "data type " + code;
    }

    /** The ONNX code. */
    int code() {
        return code;
    }

    /** NumPy's name: {@code float32}, {@code int64}, … */
    String label() {
        return label;
    }

    /** Bytes per element in {@code raw_data}. */
    int bytes() {
        return bytes;
    }

    Kind kind() {
        return kind;
    }

    /** True for the floating types (widened to float64). */
    boolean isFloat() {
        return kind == Kind.FLOAT;
    }

    /** True for the integer and boolean types. */
    boolean isInt() {
        return kind == Kind.INT;
    }

    /** The engine dtype values of this type become. */
    DType dtype() {
        return isFloat() ? DType.FLOAT64 : DType.INT64;
    }

    /** The types the reader reads, for messages. */
    static String readable() {
        return "float32, float64, float16, bfloat16, and the integer and bool types";
    }
}
