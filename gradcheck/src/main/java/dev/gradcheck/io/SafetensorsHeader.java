package dev.gradcheck.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.gradcheck.engine.io.BoundedZip;
import dev.gradcheck.engine.io.TensorFileException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The JSON header of a {@code .safetensors} file, parsed as a stream (never as a tree) and
 * validated against the data section before any tensor is read: known fields only, shapes of at
 * most 32 non-negative dimensions whose byte size (computed with overflow checks) matches the
 * tensor's {@code data_offsets}, offsets inside the data section, in order, without overlap or
 * holes (the format's own rule).
 */
final class SafetensorsHeader {
    /** The format's dtypes and their sizes in bytes. */
    static final Map<String, Integer> DTYPE_BYTES = Map.ofEntries(Map.entry("F64", 8), Map.entry("F32", 4),
            Map.entry("I64", 8), Map.entry("BOOL", 1), Map.entry("U8", 1), Map.entry("I8", 1), Map.entry("I16", 2),
            Map.entry("U16", 2), Map.entry("F16", 2), Map.entry("BF16", 2), Map.entry("I32", 4), Map.entry("U32", 4),
            Map.entry("U64", 8), Map.entry("F8_E4M3", 1), Map.entry("F8_E5M2", 1));
    private static final int MAX_RANK = 32;
    private static final int MAX_KEY_CHARS = 1000;

    /** One tensor's entry: its dtype, shape and byte range in the data section. */
    record Entry(String key, String dtype, long[] shape, long begin, long end) {
        long elements() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    private SafetensorsHeader() {
    }

    /**
     * Parses and validates the header read from {@code in}.
     *
     * @param dataBytes the size of the data section that follows the header
     */
    static List<Entry> parse(InputStream in, String file, long dataBytes) throws TensorFileException {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(4)
                        .maxNameLength(MAX_KEY_CHARS).maxStringLength(65_536).maxNumberLength(40).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build(); // the caller reads the data from the same file
        List<Entry> entries = new ArrayList<>();
        try (JsonParser p = factory.createParser(in)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, file, "the header is not a JSON object");
            int metadata = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                if (entries.size() + metadata >= BoundedZip.MAX_ENTRIES) {
                    throw new TensorFileException(file, null, "the header has more than " + BoundedZip.MAX_ENTRIES
                            + " entries");
                }
                if (key.equals("__metadata__")) {
                    metadata += skipMetadata(p, file);
                } else {
                    entries.add(entry(p, file, key));
                }
            }
            expect(p.currentToken(), JsonToken.END_OBJECT, file, "the header does not end its object");
            if (p.nextToken() != null) {
                throw new TensorFileException(file, null, "not a valid .safetensors header: more content after "
                        + "the JSON object (only space padding may follow)");
            }
        } catch (TensorFileException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw new TensorFileException(file, null, "not a valid .safetensors header: "
                    + e.getOriginalMessage().replaceAll(",? from `[^`]*`", "").replaceAll("`([^`]*)`", "$1"), e);
        } catch (IOException e) {
            throw new TensorFileException(file, null, "cannot read the header: " + e.getMessage(), e);
        }
        checkLayout(entries, file, dataBytes);
        return entries;
    }

    private static Entry entry(JsonParser p, String file, String key) throws IOException {
        expect(p.nextToken(), JsonToken.START_OBJECT, file, key, "an entry must be an object with dtype, shape and "
                + "data_offsets");
        String dtype = null;
        long[] shape = null;
        long[] offsets = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "dtype" -> {
                    expect(t, JsonToken.VALUE_STRING, file, key, "dtype must be a string such as \"F64\"");
                    dtype = p.getText();
                }
                case "shape" -> shape = longs(p, t, file, key, "shape", MAX_RANK);
                case "data_offsets" -> offsets = longs(p, t, file, key, "data_offsets", 2);
                default -> throw new TensorFileException(file, key, "unknown field '" + field
                        + "' (an entry has dtype, shape and data_offsets)");
            }
        }
        if (dtype == null || shape == null || offsets == null) {
            throw new TensorFileException(file, key, "the entry lacks " + (dtype == null ? "dtype" : shape == null
                    ? "shape" : "data_offsets"));
        }
        if (offsets.length != 2) {
            throw new TensorFileException(file, key, "data_offsets must be [begin, end], got "
                    + Arrays.toString(offsets));
        }
        Integer width = DTYPE_BYTES.get(dtype);
        if (width == null) {
            throw new TensorFileException(file, key, "unknown dtype \"" + dtype + "\"");
        }
        Entry e = new Entry(key, dtype, shape, offsets[0], offsets[1]);
        long bytes;
        try {
            bytes = Math.multiplyExact(e.elements(), width);
        } catch (ArithmeticException overflow) {
            throw new TensorFileException(file, key, "shape " + Arrays.toString(shape) + " has more than 2^63 bytes");
        }
        if (e.end() < e.begin() || e.end() - e.begin() != bytes) {
            throw new TensorFileException(file, key, "data_offsets [" + e.begin() + ", " + e.end() + "] hold "
                    + (e.end() - e.begin()) + " bytes, but shape " + Arrays.toString(shape) + " of " + dtype
                    + " needs " + bytes);
        }
        return e;
    }

    /** A list of non-negative integers (at most {@code max} of them). */
    private static long[] longs(JsonParser p, JsonToken t, String file, String key, String what, int max)
            throws IOException {
        expect(t, JsonToken.START_ARRAY, file, key, what + " must be a list of integers");
        List<Long> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw new TensorFileException(file, key, what + " must hold integers below 2^63, found "
                        + p.getText());
            }
            long v = p.getLongValue();
            if (v < 0) {
                throw new TensorFileException(file, key, what + " holds the negative number " + v);
            }
            if (out.size() == max) {
                throw new TensorFileException(file, key, what + " has more than " + max + " numbers");
            }
            out.add(v);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** {@code __metadata__}: an object of strings; returns how many. */
    private static int skipMetadata(JsonParser p, String file) throws IOException {
        expect(p.nextToken(), JsonToken.START_OBJECT, file, "__metadata__", "__metadata__ must be an object of strings");
        int n = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            expect(p.nextToken(), JsonToken.VALUE_STRING, file, "__metadata__", "__metadata__ values must be strings");
            n++;
        }
        return n;
    }

    /** The byte ranges, in order: inside the data section, no overlap, no holes. */
    private static void checkLayout(List<Entry> entries, String file, long dataBytes) throws TensorFileException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        for (Entry e : sorted) {
            if (e.end() > dataBytes) {
                throw new TensorFileException(file, e.key(), "data_offsets [" + e.begin() + ", " + e.end()
                        + "] reach beyond the data section of " + dataBytes + " bytes");
            }
            if (e.begin() < at) {
                throw new TensorFileException(file, e.key(), "data_offsets [" + e.begin() + ", " + e.end()
                        + "] overlap the tensor before it, which ends at " + at);
            }
            if (e.begin() > at) {
                throw new TensorFileException(file, e.key(), "data_offsets [" + e.begin() + ", " + e.end()
                        + "] leave a hole after byte " + at + " of the data section");
            }
            at = e.end();
        }
        if (at != dataBytes) {
            throw new TensorFileException(file, null, "the tensors cover " + at + " bytes of the data section, but it has "
                    + dataBytes);
        }
    }

    private static void expect(JsonToken t, JsonToken want, String file, String problem) throws TensorFileException {
        expect(t, want, file, null, problem);
    }

    private static void expect(JsonToken t, JsonToken want, String file, String key, String problem)
            throws TensorFileException {
        if (t != want) {
            throw new TensorFileException(file, key, problem);
        }
    }
}
