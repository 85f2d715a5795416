package dev.gradcheck.model.onnx;

import com.google.protobuf.ByteString;
import java.util.List;

/**
 * The parts of an ONNX file the reader uses, as {@link OnnxDecoder} decodes them from the ONNX
 * IR's protobuf messages ({@code ModelProto}, {@code GraphProto}, {@code NodeProto},
 * {@code AttributeProto}, {@code TensorProto}, {@code ValueInfoProto}, {@code OperatorSetIdProto}).
 * Fields the reader has no use for are skipped while decoding; a few are kept only to refuse
 * them clearly (sub-graphs, sparse initializers). Every message keeps its place in the file as
 * a path such as {@code /graph/node/3}, for error messages.
 */
final class OnnxProto {
    private OnnxProto() {
    }

    /** {@code ModelProto}: the IR version, the opsets imported, the producer and the graph. */
    record ModelProto(long irVersion, List<OpsetId> opsets, String producerName, String producerVersion,
            GraphProto graph, boolean hasFunctions) {
    }

    /** {@code OperatorSetIdProto}: a domain ({@code ""} is {@code ai.onnx}) and its opset version. */
    record OpsetId(String domain, long version) {
    }

    /** {@code GraphProto}: nodes in topological order, initializers, inputs, outputs. */
    record GraphProto(String name, List<NodeProto> nodes, List<TensorProto> initializers, List<ValueInfo> inputs,
            List<ValueInfo> outputs, int sparseInitializers) {
    }

    /** {@code NodeProto}, with its index in the graph. */
    record NodeProto(int index, String name, String opType, String domain, List<String> inputs, List<String> outputs,
            List<AttributeProto> attributes) {
        /** Where it is, as a path: {@code /graph/node/3}. */
        String pointer() {
            return "/graph/node/" + index;
        }
    }

    /** {@code AttributeProto.AttributeType} values the reader knows by name. */
    static final int FLOAT = 1;
    static final int INT = 2;
    static final int STRING = 3;
    static final int TENSOR = 4;
    static final int GRAPH = 5;
    static final int FLOATS = 6;
    static final int INTS = 7;
    static final int STRINGS = 8;

    /**
     * {@code AttributeProto}. {@code type} is the declared type (0 when absent: the reader then
     * goes by which field is set); {@code refAttrName} is set only inside functions, which the
     * reader refuses.
     */
    record AttributeProto(String name, int type, Float f, Long i, ByteString s, TensorProto t, boolean hasGraph,
            float[] floats, long[] ints, List<ByteString> strings, String refAttrName) {
    }

    /**
     * {@code TensorProto}, its data left undecoded until its shape has been checked against the
     * limits: {@code raw} (little-endian fixed-width), or one of the typed fields as the bytes of
     * its packed encoding ({@code floatData}: fixed32, {@code doubleData}: fixed64,
     * {@code int32Data}, {@code int64Data}, {@code uint64Data}: varints), or external data.
     */
    record TensorProto(String pointer, String name, long[] dims, int dataType, ByteString raw, ByteString floatData,
            ByteString doubleData, ByteString int32Data, ByteString int64Data, ByteString uint64Data,
            int stringCount, List<StringEntry> externalData, int dataLocation, boolean hasSegment) {
        /** True when the data lives in another file ({@code data_location = EXTERNAL}). */
        boolean external() {
            return dataLocation == 1;
        }
    }

    /** {@code StringStringEntryProto} (external data's location, offset, length, checksum). */
    record StringEntry(String key, String value) {
    }

    /**
     * {@code ValueInfoProto} of a graph input or output: its name and, for a tensor type, its
     * element type and dimensions ({@code dims} null when the shape is not given at all).
     */
    record ValueInfo(String pointer, String name, boolean tensor, int elemType, List<Dim> dims) {
    }

    /** {@code TensorShapeProto.Dimension}: a value, a symbolic name ({@code batch}), or neither. */
    record Dim(Long value, String param) {
        @Override
        public String toString() {
            return value != null ? String.valueOf(value) : param != null ? "'" + param + "'" : "?";
        }
    }
}
