package dev.gradcheck.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;

/**
 * The pickle of a PyTorch state dict ({@code data.pkl}), read with razorvine's unpickler under a
 * fence: only the globals a state dict uses ({@code collections.OrderedDict}, the tensor
 * rebuilders of {@code torch._utils}, {@code torch.*Storage} markers) may be named, and they
 * build plain descriptions ({@link TensorRef}, {@link StorageRef}) — no Python or Java code is
 * ever looked up by name, and no Java deserialization is involved. Opcodes a state dict never
 * uses (instances, sets, extensions, out-of-band buffers) are refused. Every length in the pickle
 * is checked against the bytes left before anything is allocated for it, dict keys must be
 * strings or numbers (a list as a key could recurse while hashed), and the number of opcodes is
 * capped, so memory stays within a small multiple of the pickle's size.
 */
final class TorchUnpickler extends Unpickler {
    /** Most opcodes run: about 30 per tensor of a state dict. */
    static final int MAX_OPS = 2_000_000;
    private static final int MAX_NUMBER_LINE = 64;

    /** A {@code torch.<Type>Storage} marker: the element type of a storage. */
    record StorageType(String name, String dtype, int bytes) {
    }

    /** A storage named by a persistent id: its element type, its key in the archive, its element count. */
    record StorageRef(StorageType type, String key, long elements) {
    }

    /** A tensor: a view of a storage with an offset, sizes and strides (in elements). */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
    }

    /** A state dict's own failures, with the byte offset of the opcode. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private final Bytes in;
    private int ops;
    private int opAt;

    private TorchUnpickler(byte[] pickle) {
        this.in = new Bytes(pickle);
    }

    /**
     * The object the pickle describes.
     *
     * @throws Refused when the pickle is malformed or steps outside a state dict's vocabulary
     */
    static Object load(byte[] pickle) {
        TorchUnpickler u = new TorchUnpickler(pickle);
        try {
            return u.load(u.in);
        } catch (Refused e) {
            throw new Refused("at byte " + u.opAt + ": " + e.getMessage());
        } catch (PickleException e) {
            throw new Refused("at byte " + u.opAt + ": " + e.getMessage());
        } catch (IOException e) {
            throw new Refused("at byte " + u.opAt + ": the pickle ends early (" + e.getMessage() + ")");
        } catch (RuntimeException e) {
            // razorvine's casts, pops and parses on a corrupt pickle: no internals for the user
            throw new Refused("at byte " + u.opAt + ": opcode "
                    + (u.opAt < pickle.length ? opName(pickle[u.opAt]) : "(none)")
                    + " does not find what it needs (a corrupt pickle)");
        } finally {
            u.close();
        }
    }

    private static String opName(byte op) {
        int b = op & 0xff;
        return b >= 0x20 && b < 0x7f ? "'" + (char) b + "'" : String.format("0x%02x", b);
    }

    @Override
    protected Object dispatch(short key) throws IOException {
        opAt = in.position() - 1;
        if (++ops > MAX_OPS) {
            throw new Refused("more than " + MAX_OPS + " opcodes; a state dict needs about 30 per tensor");
        }
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = line(256);
                String name = line(256);
                stack.add(global(module, name));
                return NO_RETURN_VALUE;
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(name instanceof String n) || !(module instanceof String m)) {
                    throw new Refused("STACK_GLOBAL needs two strings");
                }
                stack.add(global(m, n));
                return NO_RETURN_VALUE;
            }
            case Opcodes.REDUCE -> {
                Object args = stack.pop();
                Object callable = stack.pop();
                if (!(callable instanceof IObjectConstructor c) || !(args instanceof Object[] a)) {
                    throw new Refused("REDUCE applies something that is not an allowed global");
                }
                stack.add(c.construct(a));
                return NO_RETURN_VALUE;
            }
            case Opcodes.BUILD -> {
                Object state = stack.pop();
                if (!(stack.peek() instanceof Map) || !(state instanceof Map)) {
                    throw new Refused("BUILD sets the state of something other than a dict");
                }
                return NO_RETURN_VALUE; // an OrderedDict's _metadata: not needed
            }
            case Opcodes.EMPTY_DICT -> {
                stack.add(new LinkedHashMap<>());
                return NO_RETURN_VALUE;
            }
            case Opcodes.DICT -> {
                List<Object> items = stack.pop_all_since_marker();
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = 0; i + 1 < items.size(); i += 2) {
                    map.put(key(items.get(i)), items.get(i + 1));
                }
                stack.add(map);
                return NO_RETURN_VALUE;
            }
            case Opcodes.SETITEM -> {
                Object value = stack.pop();
                Object k = key(stack.pop());
                dict().put(k, value);
                return NO_RETURN_VALUE;
            }
            case Opcodes.SETITEMS -> {
                List<Object> items = stack.pop_all_since_marker();
                Map<Object, Object> map = dict();
                for (int i = 0; i + 1 < items.size(); i += 2) {
                    map.put(key(items.get(i)), items.get(i + 1));
                }
                return NO_RETURN_VALUE;
            }
            case Opcodes.INST, Opcodes.OBJ, Opcodes.NEWOBJ, Opcodes.NEWOBJ_EX, Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4,
                    Opcodes.PERSID, Opcodes.EMPTY_SET, Opcodes.ADDITEMS, Opcodes.FROZENSET, Opcodes.NEXT_BUFFER,
                    Opcodes.READONLY_BUFFER -> throw new Refused("opcode " + opName((byte) key)
                            + ", which a state dict never uses");
            case Opcodes.BINSTRING, Opcodes.BINBYTES, Opcodes.BINUNICODE -> in.checkLength(4, Integer.MAX_VALUE - 8);
            case Opcodes.LONG4 -> in.checkLength(4, 256);
            case Opcodes.BINUNICODE8, Opcodes.BINBYTES8, Opcodes.BYTEARRAY8 -> in.checkLength(8, Integer.MAX_VALUE - 8);
            case Opcodes.INT, Opcodes.LONG, Opcodes.FLOAT -> in.checkLine(MAX_NUMBER_LINE);
            default -> {
                // everything else is razorvine's, below
            }
        }
        return super.dispatch(key);
    }

    private Map<Object, Object> dict() {
        Object top = stack.peek();
        if (!(top instanceof Map)) {
            throw new Refused("SETITEM(S) on something other than a dict");
        }
        @SuppressWarnings("unchecked")
        Map<Object, Object> map = (Map<Object, Object>) top;
        return map;
    }

    /** Dict keys are strings or numbers; a list or a dict could hash itself forever. */
    private static Object key(Object k) {
        if (k instanceof String || k instanceof Number || k instanceof Boolean || k == null) {
            return k;
        }
        throw new Refused("a dict key that is not a string or a number");
    }

    private String line(int max) throws IOException {
        int start = in.position();
        in.checkLine(max);
        byte[] bytes = in.readLine();
        if (bytes == null) {
            throw new Refused("a name that runs past the end of the pickle (from byte " + start + ")");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The allowed globals; anything else is refused by name. */
    private static IObjectConstructor global(String module, String name) {
        String full = module + "." + name;
        switch (full) {
            case "collections.OrderedDict":
                return args -> {
                    if (args.length != 0) {
                        throw new Refused("OrderedDict with arguments");
                    }
                    return new LinkedHashMap<>();
                };
            case "torch._utils._rebuild_tensor_v2":
            case "torch._utils._rebuild_tensor":
                return TorchUnpickler::rebuildTensor;
            case "torch._utils._rebuild_parameter":
                return args -> {
                    if (args.length < 1 || !(args[0] instanceof TensorRef)) {
                        throw new Refused("_rebuild_parameter of something other than a tensor");
                    }
                    return args[0];
                };
            default:
                break;
        }
        if (module.equals("torch") && name.endsWith("Storage") && StorageTypes.BY_NAME.containsKey(name)) {
            StorageType type = StorageTypes.BY_NAME.get(name);
            return new StorageMarker(type);
        }
        throw new Refused("the pickle names the global " + printable(full) + ", which a state dict never does "
                + "(allowed: collections.OrderedDict, torch._utils._rebuild_tensor_v2, _rebuild_parameter, "
                + "torch.*Storage); only state dicts are read, never other pickled objects");
    }

    /** A name for a message: printable ASCII, at most 120 characters. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 120; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return sb.length() < s.length() ? sb + "…" : sb.toString();
    }

    /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
    private static Object rebuildTensor(Object[] args) {
        if (args.length < 4 || !(args[0] instanceof StorageRef s) || !(args[2] instanceof Object[] size)
                || !(args[3] instanceof Object[] stride)) {
            throw new Refused("_rebuild_tensor_v2 needs (storage, offset, size, stride, …)");
        }
        return new TensorRef(s, integer(args[1], "storage offset"), longs(size, "size"), longs(stride, "stride"));
    }

    private static long[] longs(Object[] values, String what) {
        if (values.length > 64) {
            throw new Refused("a tensor " + what + " of " + values.length + " dimensions");
        }
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = integer(values[i], what);
        }
        return out;
    }

    private static long integer(Object v, String what) {
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        throw new Refused("a tensor's " + what + " that is not an integer below 2^63");
    }

    /** A persistent id {@code ('storage', torch.<Type>Storage, key, location, numel)}. */
    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] id) || id.length != 5 || !"storage".equals(id[0])
                || !(id[1] instanceof StorageMarker marker) || !(id[2] instanceof String key)
                || !(id[4] instanceof Integer || id[4] instanceof Long)) {
            throw new Refused("a persistent id other than ('storage', torch.<Type>Storage, key, location, numel)");
        }
        long numel = ((Number) id[4]).longValue();
        if (numel < 0) {
            throw new Refused("storage '" + printable(key) + "' of " + numel + " elements");
        }
        return new StorageRef(marker.type(), key, numel);
    }

    /** The global {@code torch.<Type>Storage}: only ever a persistent id's type. */
    private record StorageMarker(StorageType type) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            throw new Refused("calls torch." + type.name() + "(…), which a state dict never does");
        }
    }

    /** The pickle's bytes, with the position exposed so lengths can be checked before razorvine allocates. */
    private static final class Bytes extends ByteArrayInputStream {
        Bytes(byte[] b) {
            super(b);
        }

        int position() {
            return pos;
        }

        /** The length field after the opcode must fit the bytes that follow it. */
        void checkLength(int fieldBytes, long max) {
            if (count - pos < fieldBytes) {
                throw new Refused("the pickle ends inside a length");
            }
            long len = 0;
            for (int i = fieldBytes - 1; i >= 0; i--) {
                len = (len << 8) | (buf[pos + i] & 0xff);
            }
            if (fieldBytes == 4) {
                len = (int) len; // razorvine reads 4-byte lengths as signed
            }
            if (len < 0 || len > max || len > count - pos - fieldBytes) {
                throw new Refused("a length of " + Long.toUnsignedString(len) + " bytes where " + (count - pos - fieldBytes)
                        + " are left");
            }
        }

        /** A text argument must end with a newline within {@code max} bytes. */
        void checkLine(int max) {
            for (int i = pos; i < count && i <= pos + max; i++) {
                if (buf[i] == '\n') {
                    return;
                }
            }
            throw new Refused("a text argument longer than " + max + " bytes or without its newline");
        }

        byte[] readLine() {
            for (int i = pos; i < count; i++) {
                if (buf[i] == '\n') {
                    byte[] out = java.util.Arrays.copyOfRange(buf, pos, i);
                    pos = i + 1;
                    return out;
                }
            }
            return null;
        }
    }

    /** The storage types PyTorch pickles, with their element types. */
    static final class StorageTypes {
        static final Map<String, StorageType> BY_NAME = byName();

        private StorageTypes() {
        }

        private static Map<String, StorageType> byName() {
            Map<String, StorageType> m = new LinkedHashMap<>();
            List<StorageType> all = new ArrayList<>(List.of(new StorageType("DoubleStorage", "float64", 8),
                    new StorageType("FloatStorage", "float32", 4), new StorageType("LongStorage", "int64", 8),
                    new StorageType("IntStorage", "int32", 4), new StorageType("ShortStorage", "int16", 2),
                    new StorageType("CharStorage", "int8", 1), new StorageType("ByteStorage", "uint8", 1),
                    new StorageType("BoolStorage", "bool", 1), new StorageType("HalfStorage", "float16", 2),
                    new StorageType("BFloat16Storage", "bfloat16", 2),
                    new StorageType("ComplexFloatStorage", "complex64", 8),
                    new StorageType("ComplexDoubleStorage", "complex128", 16),
                    new StorageType("QInt8Storage", "qint8", 1), new StorageType("QUInt8Storage", "quint8", 1),
                    new StorageType("QInt32Storage", "qint32", 4)));
            for (StorageType t : all) {
                m.put(t.name(), t);
            }
            return Map.copyOf(m);
        }
    }
}
