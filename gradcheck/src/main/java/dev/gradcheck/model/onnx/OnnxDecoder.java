package dev.gradcheck.model.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.gradcheck.model.Limits;
import dev.gradcheck.model.ModelFileException;
import dev.gradcheck.model.onnx.OnnxProto.AttributeProto;
import dev.gradcheck.model.onnx.OnnxProto.Dim;
import dev.gradcheck.model.onnx.OnnxProto.GraphProto;
import dev.gradcheck.model.onnx.OnnxProto.ModelProto;
import dev.gradcheck.model.onnx.OnnxProto.NodeProto;
import dev.gradcheck.model.onnx.OnnxProto.OpsetId;
import dev.gradcheck.model.onnx.OnnxProto.StringEntry;
import dev.gradcheck.model.onnx.OnnxProto.TensorProto;
import dev.gradcheck.model.onnx.OnnxProto.ValueInfo;
import dev.gradcheck.model.onnx.RepeatedFields.Chunks;
import dev.gradcheck.model.onnx.RepeatedFields.FloatList;
import dev.gradcheck.model.onnx.RepeatedFields.LongList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes an ONNX file's bytes with protobuf's {@link CodedInputStream}, field by field against
 * the field numbers of the ONNX IR, into {@link OnnxProto}'s records. Tensor data is not decoded
 * here: it is kept as slices of the file's bytes (no copy) until its shape has been checked.
 * Sub-graphs ({@code If}, {@code Loop}) and other messages the reader does not use are skipped
 * without recursion, so no nesting depth can overflow the stack. A truncated or corrupt file, or a
 * field of the wrong wire type, is a {@link ModelFileException} naming the place being decoded.
 */
final class OnnxDecoder {
    private static final int VARINT = WireFormat.WIRETYPE_VARINT;
    private static final int FIXED64 = WireFormat.WIRETYPE_FIXED64;
    private static final int BYTES = WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int FIXED32 = WireFormat.WIRETYPE_FIXED32;

    private final CodedInputStream in;
    private final Path file;
    private final Limits limits;
    private String at = "";

    private OnnxDecoder(byte[] bytes, Path file, Limits limits) {
        this.in = CodedInputStream.newInstance(bytes);
        this.in.enableAliasing(true); // bytes fields share the file's buffer instead of copying it
        this.file = file;
        this.limits = limits;
    }

    /**
     * The model in {@code bytes}.
     *
     * @param file named in messages
     * @throws ModelFileException when the bytes are not a well-formed ONNX {@code ModelProto}
     */
    static ModelProto decode(byte[] bytes, Path file, Limits limits) {
        OnnxDecoder d = new OnnxDecoder(bytes, file, limits);
        try {
            return d.model();
        } catch (InvalidProtocolBufferException e) {
            String m = String.valueOf(e.getMessage());
            boolean cut = m.contains("truncated") || m.contains("ended unexpectedly");
            throw d.corrupt(cut ? "it ends in the middle of a field (the file is truncated, or a length in it "
                    + "overruns the file)" : m, e);
        } catch (IOException e) {
            throw d.corrupt(e.toString(), e);
        }
    }

    // ------------------------------------------------------------------ messages

    private ModelProto model() throws IOException {
        long ir = 0;
        List<OpsetId> opsets = new ArrayList<>();
        String producer = "";
        String producerVersion = "";
        GraphProto graph = null;
        boolean functions = false;
        int opsetIndex = 0;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> ir = varint(tag, "ir_version");
                case 2 -> producer = string(tag, "producer_name");
                case 3 -> producerVersion = string(tag, "producer_version");
                case 7 -> graph = enter(tag, "/graph", this::graph);
                case 8 -> opsets.add(enter(tag, "/opset_import/" + opsetIndex++, this::opset));
                case 25 -> {
                    functions = true;
                    skip(tag);
                }
                default -> skip(tag);
            }
        }
        return new ModelProto(ir, opsets, producer, producerVersion, graph, functions);
    }

    private OpsetId opset() throws IOException {
        String domain = "";
        long version = 0;
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> domain = string(tag, "domain");
                case 2 -> version = varint(tag, "version");
                default -> skip(tag);
            }
        }
        return new OpsetId(domain, version);
    }

    private GraphProto graph() throws IOException {
        String name = "";
        List<NodeProto> nodes = new ArrayList<>();
        List<TensorProto> inits = new ArrayList<>();
        List<ValueInfo> inputs = new ArrayList<>();
        List<ValueInfo> outputs = new ArrayList<>();
        int sparse = 0;
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> {
                    int index = nodes.size();
                    if (index >= limits.maxNodes()) {
                        throw new ModelFileException(file, "/graph/node/" + index, -1, -1, null, "the graph has more "
                                + "than " + limits.maxNodes() + " nodes, the limit (--max-model-nodes raises it)");
                    }
                    nodes.add(enter(tag, "/graph/node/" + index, () -> node(index)));
                }
                case 2 -> name = string(tag, "name");
                case 5 -> {
                    String p = "/graph/initializer/" + inits.size();
                    inits.add(enter(tag, p, () -> tensor(p)));
                }
                case 11 -> {
                    String p = "/graph/input/" + inputs.size();
                    inputs.add(enter(tag, p, () -> valueInfo(p)));
                }
                case 12 -> {
                    String p = "/graph/output/" + outputs.size();
                    outputs.add(enter(tag, p, () -> valueInfo(p)));
                }
                case 15 -> {
                    sparse++;
                    skip(tag);
                }
                default -> skip(tag);
            }
        }
        return new GraphProto(name, nodes, inits, inputs, outputs, sparse);
    }

    private NodeProto node(int index) throws IOException {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String opType = "";
        String domain = "";
        List<AttributeProto> attrs = new ArrayList<>();
        String base = at;
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> inputs.add(name(tag, "input"));
                case 2 -> outputs.add(name(tag, "output"));
                case 3 -> name = name(tag, "name");
                case 4 -> opType = name(tag, "op_type");
                case 7 -> domain = name(tag, "domain");
                case 5 -> attrs.add(enter(tag, base + "/attribute/" + attrs.size(), this::attribute));
                default -> skip(tag);
            }
        }
        return new NodeProto(index, name, opType, domain, inputs, outputs, attrs);
    }

    private AttributeProto attribute() throws IOException {
        String name = "";
        int type = 0;
        Float f = null;
        Long i = null;
        ByteString s = null;
        TensorProto t = null;
        boolean graph = false;
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        List<ByteString> strings = new ArrayList<>();
        String ref = null;
        String base = at;
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name = name(tag, "name");
                case 20 -> type = (int) varint(tag, "type");
                case 2 -> f = Float.intBitsToFloat(fixed32(tag, "f"));
                case 3 -> i = varint(tag, "i");
                case 4 -> s = bytes(tag, "s");
                case 5 -> t = enter(tag, base + "/t", () -> tensor(base + "/t"));
                case 6, 11 -> {
                    graph = true;
                    skip(tag);
                }
                case 7 -> repeatedFloats(tag, floats);
                case 8 -> repeatedVarints(tag, ints);
                case 9 -> strings.add(bytes(tag, "strings"));
                case 21 -> ref = string(tag, "ref_attr_name");
                default -> skip(tag);
            }
        }
        return new AttributeProto(name, type, f, i, s, t, graph, floats.toArray(), ints.toArray(), strings, ref);
    }

    private TensorProto tensor(String pointer) throws IOException {
        LongList dims = new LongList();
        int dataType = 0;
        String name = "";
        ByteString raw = null;
        Chunks floats = new Chunks();
        Chunks doubles = new Chunks();
        Chunks int32 = new Chunks();
        Chunks int64 = new Chunks();
        Chunks uint64 = new Chunks();
        int strings = 0;
        List<StringEntry> external = new ArrayList<>();
        int location = 0;
        boolean segment = false;
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> repeatedVarints(tag, dims);
                case 2 -> dataType = (int) varint(tag, "data_type");
                case 3 -> {
                    segment = true;
                    skip(tag);
                }
                case 4 -> floats.add(tag, FIXED32, in);
                case 5 -> int32.add(tag, VARINT, in);
                case 6 -> {
                    strings++;
                    skip(tag);
                }
                case 7 -> int64.add(tag, VARINT, in);
                case 8 -> name = name(tag, "name");
                case 9 -> raw = bytes(tag, "raw_data");
                case 10 -> doubles.add(tag, FIXED64, in);
                case 11 -> uint64.add(tag, VARINT, in);
                case 13 -> external.add(enter(tag, at + "/external_data/" + external.size(), this::entry));
                case 14 -> location = (int) varint(tag, "data_location");
                default -> skip(tag);
            }
        }
        return new TensorProto(pointer, name, dims.toArray(), dataType, raw, floats.bytes(), doubles.bytes(),
                int32.bytes(), int64.bytes(), uint64.bytes(), strings, external, location, segment);
    }

    private StringEntry entry() throws IOException {
        String key = "";
        String value = "";
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> key = string(tag, "key");
                case 2 -> value = string(tag, "value");
                default -> skip(tag);
            }
        }
        return new StringEntry(key, value);
    }

    /** {@code ValueInfoProto}: name and type; only {@code tensor_type} is decoded. */
    private ValueInfo valueInfo(String pointer) throws IOException {
        String name = "";
        ValueInfo type = null;
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name = name(tag, "name");
                case 2 -> type = enter(tag, at + "/type", () -> typeProto(pointer));
                default -> skip(tag);
            }
        }
        return type == null ? new ValueInfo(pointer, name, false, 0, null)
                : new ValueInfo(pointer, name, type.tensor(), type.elemType(), type.dims());
    }

    private ValueInfo typeProto(String pointer) throws IOException {
        ValueInfo tensor = null;
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            if (WireFormat.getTagFieldNumber(tag) == 1) {
                tensor = enter(tag, at + "/tensor_type", () -> tensorType(pointer));
            } else {
                skip(tag); // sequence, map, optional, sparse types: not tensors
            }
        }
        return tensor != null ? tensor : new ValueInfo(pointer, "", false, 0, null);
    }

    private ValueInfo tensorType(String pointer) throws IOException {
        int elem = 0;
        List<Dim> dims = null;
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> elem = (int) varint(tag, "elem_type");
                case 2 -> dims = enter(tag, at + "/shape", this::shape);
                default -> skip(tag);
            }
        }
        return new ValueInfo(pointer, "", true, elem, dims);
    }

    private List<Dim> shape() throws IOException {
        List<Dim> dims = new ArrayList<>();
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            if (WireFormat.getTagFieldNumber(tag) == 1) {
                dims.add(enter(tag, at + "/dim/" + dims.size(), this::dim));
            } else {
                skip(tag);
            }
        }
        return dims;
    }

    private Dim dim() throws IOException {
        Long value = null;
        String param = null;
        while (!in.isAtEnd()) {
            int tag = in.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> value = varint(tag, "dim_value");
                case 2 -> param = name(tag, "dim_param");
                default -> skip(tag);
            }
        }
        return new Dim(value, param);
    }

    // ------------------------------------------------------------------ fields

    /** A decoder of one nested message. */
    private interface Body<T> {
        T read() throws IOException;
    }

    /** Decodes the length-delimited message of field {@code tag} with {@code body}, {@code at} set to {@code where}. */
    private <T> T enter(int tag, String where, Body<T> body) throws IOException {
        String outer = at;
        at = where;
        wire(tag, BYTES, fieldOf(where));
        int length = in.readRawVarint32();
        int old = in.pushLimit(length);
        T value = body.read();
        in.popLimit(old);
        at = outer;
        return value;
    }

    /** The field a path names: {@code /graph/node/3} is a {@code node}, {@code /graph} the {@code graph}. */
    private static String fieldOf(String where) {
        String[] parts = where.split("/");
        String last = parts[parts.length - 1];
        return last.matches("\\d+") && parts.length > 1 ? parts[parts.length - 2] : last;
    }

    private long varint(int tag, String field) throws IOException {
        wire(tag, VARINT, field);
        return in.readRawVarint64();
    }

    private int fixed32(int tag, String field) throws IOException {
        wire(tag, FIXED32, field);
        return in.readRawLittleEndian32();
    }

    private ByteString bytes(int tag, String field) throws IOException {
        wire(tag, BYTES, field);
        return in.readBytes();
    }

    private String string(int tag, String field) throws IOException {
        wire(tag, BYTES, field);
        return in.readString();
    }

    /** A name (of a value, node, op, domain or dimension): a string within the name-length limit. */
    private String name(int tag, String field) throws IOException {
        wire(tag, BYTES, field);
        int length = in.readRawVarint32();
        if (length > 4 * limits.maxNameLength() && length >= 0) {
            throw corrupt(field + " of " + length + " bytes is over the limit of " + limits.maxNameLength()
                    + " characters for a name", null);
        }
        byte[] b = in.readRawBytes(length);
        String s = new String(b, java.nio.charset.StandardCharsets.UTF_8);
        if (s.length() > limits.maxNameLength()) {
            throw corrupt(field + " of " + s.length() + " characters is over the limit of " + limits.maxNameLength()
                    + " (starts \"" + s.substring(0, Math.min(20, s.length())) + "…\")", null);
        }
        return s;
    }

    private void repeatedFloats(int tag, FloatList out) throws IOException {
        if (WireFormat.getTagWireType(tag) == BYTES) {
            int old = in.pushLimit(in.readRawVarint32());
            while (!in.isAtEnd()) {
                out.add(Float.intBitsToFloat(in.readRawLittleEndian32()));
            }
            in.popLimit(old);
        } else {
            out.add(Float.intBitsToFloat(fixed32(tag, "floats")));
        }
    }

    private void repeatedVarints(int tag, LongList out) throws IOException {
        if (WireFormat.getTagWireType(tag) == BYTES) {
            int old = in.pushLimit(in.readRawVarint32());
            while (!in.isAtEnd()) {
                out.add(in.readRawVarint64());
            }
            in.popLimit(old);
        } else {
            out.add(varint(tag, "ints"));
        }
    }

    private void skip(int tag) throws IOException {
        int wire = WireFormat.getTagWireType(tag);
        if (wire == WireFormat.WIRETYPE_START_GROUP || wire == WireFormat.WIRETYPE_END_GROUP || wire > FIXED32) {
            // groups are not used by ONNX; skipping one would recurse over untrusted nesting
            throw corrupt("field " + WireFormat.getTagFieldNumber(tag) + " has wire type " + wire
                    + ", which no ONNX message uses", null);
        }
        if (!in.skipField(tag)) {
            throw corrupt("unexpected end-group tag", null);
        }
    }

    private void wire(int tag, int expected, String field) {
        int wire = WireFormat.getTagWireType(tag);
        if (wire != expected) {
            throw corrupt("field " + field + " (number " + WireFormat.getTagFieldNumber(tag) + ") has wire type "
                    + wire + ", expected " + expected, null);
        }
    }

    private ModelFileException corrupt(String detail, Throwable cause) {
        String where = at.isEmpty() ? "" : " (in " + at + ")";
        return new ModelFileException(file, at.isEmpty() ? null : at, -1, -1, null,
                "not a valid ONNX file: " + detail + where, cause);
    }
}
