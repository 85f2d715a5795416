package dev.gradcheck.model.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What {@link OnnxDecoder} collects repeated fields in: the bytes of a tensor's typed data field
 * (in its packed encoding, whether the file packed it or not, without copying packed parts), and
 * growable {@code long[]} and {@code float[]} for dims and attribute lists.
 */
final class RepeatedFields {
    private static final int BYTES = WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int FIXED32 = WireFormat.WIRETYPE_FIXED32;
    private static final int FIXED64 = WireFormat.WIRETYPE_FIXED64;

    private RepeatedFields() {
    }

    /** The bytes of a repeated scalar field in its packed encoding, whether the file packed it or not. */
    static final class Chunks {
        private final List<ByteString> parts = new ArrayList<>();
        private ByteString.Output pending;

        void add(int tag, int scalarWire, CodedInputStream in) throws IOException {
            int wire = WireFormat.getTagWireType(tag);
            if (wire == BYTES) {
                flush();
                parts.add(in.readBytes());
                return;
            }
            if (wire != scalarWire) {
                throw new InvalidProtocolBufferException("tensor data field " + WireFormat.getTagFieldNumber(tag)
                        + " has wire type " + wire);
            }
            if (pending == null) {
                pending = ByteString.newOutput();
            }
            switch (scalarWire) {
                case FIXED32 -> writeLittleEndian(pending, in.readRawLittleEndian32() & 0xffffffffL, 4);
                case FIXED64 -> writeLittleEndian(pending, in.readRawLittleEndian64(), 8);
                default -> writeVarint(pending, in.readRawVarint64());
            }
        }

        private void flush() {
            if (pending != null) {
                parts.add(pending.toByteString());
                pending = null;
            }
        }

        /** Every value's bytes, in order (no copy of packed parts), or null when the field was absent. */
        ByteString bytes() {
            flush();
            return parts.isEmpty() ? null : ByteString.copyFrom(parts);
        }

        private static void writeLittleEndian(ByteString.Output out, long v, int n) {
            for (int k = 0; k < n; k++) {
                out.write((int) (v >>> (8 * k)) & 0xff);
            }
        }

        private static void writeVarint(ByteString.Output out, long v) {
            while ((v & ~0x7fL) != 0) {
                out.write((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }

    /** A growable {@code long[]}. */
    static final class LongList {
        private long[] a = new long[8];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    /** A growable {@code float[]}. */
    static final class FloatList {
        private float[] a = new float[8];
        private int n;

        void add(float v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
