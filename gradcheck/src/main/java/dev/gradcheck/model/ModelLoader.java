package dev.gradcheck.model;

import static dev.gradcheck.model.JsonSource.ptr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gradcheck.engine.Attrs;
import dev.gradcheck.engine.DType;
import dev.gradcheck.engine.Shape;
import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.op.InputSpec;
import dev.gradcheck.engine.op.NearestNames;
import dev.gradcheck.engine.op.OpDef;
import dev.gradcheck.engine.op.OpRegistry;
import dev.gradcheck.model.onnx.OnnxReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Loads and validates a {@code gradcheck-model/1} file. Everything is checked before anything is
 * computed: the JSON, the format tag, keys, names, ops (against the {@link OpRegistry}), arity,
 * attributes, dimensions and limits, init values and data files, the order of definitions, and
 * every node's output shape by static shape inference. The first problem found is thrown as a
 * {@link ModelFileException} naming the file, the JSON Pointer, {@code line:column} and the node.
 *
 * <pre>{@code
 * Model m = ModelLoader.load(Path.of("examples/tiny-mlp.json"));
 * }</pre>
 */
public final class ModelLoader {
    /** The format tag this loader reads. */
    public static final String FORMAT = "gradcheck-model/1";

    private static final Set<String> TOP_KEYS = Set.of("format", "name", "description", "seed", "inputs", "params",
            "nodes", "output", "layers", "input", "target", "loss");
    private static final Set<String> TENSOR_KEYS = Set.of("shape", "dtype", "init");
    private static final Set<String> NODE_KEYS = Set.of("name", "op", "inputs", "attrs");
    private static final List<String> INIT_FORMS = List.of("zeros", "ones", "normal", "uniform", "randint", "kaiming",
            "xavier", "value", "file");
    private static final Pattern ATTR_NAME = Pattern.compile("attribute '([^']+)'");

    private final JsonSource src;
    private final Limits limits;
    private final Path baseDir;
    private final Map<String, String> declared = new LinkedHashMap<>();
    private final Map<String, Shape> shapes = new HashMap<>();
    private final Map<String, DType> dtypes = new HashMap<>();
    private final Map<String, TensorSpec> specs = new HashMap<>();
    private final Map<Path, Map<String, Tensor>> dataFiles = new HashMap<>();
    private long totalElements;

    private ModelLoader(JsonSource src, Limits limits, Path baseDir) {
        this.src = src;
        this.limits = limits;
        this.baseDir = baseDir;
    }

    /** Loads {@code file} with the default {@link Limits}. */
    public static Model load(Path file) {
        return load(file, Limits.DEFAULT);
    }

    /**
     * Loads and validates {@code file}; data files named by {@code init.file} are read relative
     * to its folder. An ONNX file (told by its content) is read by {@link OnnxReader}.
     *
     * @throws ModelFileException on the first problem found
     */
    public static Model load(Path file, Limits limits) {
        return load(file, limits, LoadOptions.NONE);
    }

    /**
     * Loads {@code file}, a {@code gradcheck-model/1} JSON file or an ONNX model, told apart by
     * content (an ONNX file need not be named {@code .onnx}); {@code options} give what an ONNX
     * graph may leave open (symbolic dimensions, the loss after logits).
     *
     * @throws ModelFileException on the first problem found in the file
     * @throws ModelUsageException when {@code options} do not fit the model
     */
    public static Model load(Path file, Limits limits, LoadOptions options) {
        byte[] head = head(file);
        boolean json = head.length > 0 && (head[0] == '{' || head[0] == (byte) 0xEF || Character.isWhitespace(head[0]));
        if (OnnxReader.looksLikeOnnx(head) || (!json && file.getFileName().toString().endsWith(".onnx"))) {
            return OnnxReader.read(file, limits, options);
        }
        if (head.length > 3 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            throw new ModelFileException(file, null, -1, -1, null, "a zip archive (a PyTorch checkpoint?), not a model: "
                    + "export the module with torch.onnx.export and check the .onnx file (docs/pytorch.md)");
        }
        if (options.asksForLoss()) {
            throw new ModelUsageException("--loss/--target apply to an ONNX graph that ends in logits; "
                    + file + " is a gradcheck-model/1 file, which names its loss itself");
        }
        return loadJson(file, limits);
    }

    /** The first bytes of {@code file} (fewer for a short file, none when it cannot be read: the readers report that). */
    private static byte[] head(Path file) {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(8);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static Model loadJson(Path file, Limits limits) {
        String text;
        try {
            if (Files.isDirectory(file)) {
                throw new ModelFileException(file, null, -1, -1, null, "is a directory, not a model file");
            }
            long size = Files.size(file);
            if (size > limits.maxFileBytes()) {
                throw new ModelFileException(file, null, -1, -1, null, "the file has " + size
                        + " bytes, over the limit of " + limits.maxFileBytes());
            }
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, null, -1, -1, null, "no such file");
        } catch (CharacterCodingException e) {
            throw new ModelFileException(file, null, -1, -1, null, "not valid JSON: the file is not UTF-8 text");
        } catch (IOException e) {
            throw new ModelFileException(file, null, -1, -1, null, "cannot read: " + e.getMessage(), e);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a UTF-8 byte order mark, as some Windows editors write
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, file, dir, limits);
    }

    /**
     * Loads a model from JSON text.
     *
     * @param file the name used in messages (may be null)
     * @param baseDir the folder {@code init.file} paths are relative to
     */
    public static Model parse(String json, Path file, Path baseDir, Limits limits) {
        JsonSource src = JsonSource.parse(file, json, limits);
        ModelLoader loader = new ModelLoader(src, limits, baseDir);
        try {
            return loader.build();
        } catch (ModelFileException e) {
            Map<String, Shape> soFar = new LinkedHashMap<>();
            for (String n : loader.declared.keySet()) {
                if (loader.shapes.containsKey(n)) {
                    soFar.put(n, loader.shapes.get(n));
                }
            }
            throw e.withShapesSoFar(soFar);
        }
    }

    // ------------------------------------------------------------------ top level

    private Model build() {
        JsonNode root = src.root;
        if (!root.isObject()) {
            throw src.fail("", null, "expected a JSON object with \"format\": \"" + FORMAT + "\", found "
                    + kind(root));
        }
        JsonNode format = root.get("format");
        if (format == null) {
            throw src.fail("", null, "missing \"format\": \"" + FORMAT + "\" (is this a gradcheck model file?)");
        }
        if (!format.isTextual() || !format.asText().equals(FORMAT)) {
            throw src.fail("/format", null, "format is " + shortJson(format) + "; this loader reads \"" + FORMAT + "\"");
        }
        checkKeys(root, "", TOP_KEYS, "top-level key");
        String name = optString(root, "", "name", src.file == null ? "model" : stem(src.file));
        optString(root, "", "description", null);
        long seed = 0;
        if (root.has("seed")) {
            JsonNode s = root.get("seed");
            if (!s.isIntegralNumber() || !s.canConvertToLong()) {
                throw src.fail("/seed", null, "seed must be an integer, got " + shortJson(s));
            }
            seed = s.asLong();
        }
        boolean full = root.has("params") || root.has("nodes") || root.has("output");
        boolean shorthand = root.has("layers") || root.has("input") || root.has("target") || root.has("loss");
        if (full && shorthand) {
            throw src.fail("", null, "give either \"params\" + \"nodes\" + \"output\" or the shorthand \"layers\" + "
                    + "\"input\" + \"target\" + \"loss\", not both");
        }
        List<String> need = shorthand ? List.of("inputs", "layers", "input", "target", "loss")
                : List.of("inputs", "params", "nodes", "output");
        List<String> missing = need.stream().filter(k -> !root.has(k)).collect(Collectors.toList());
        if (!missing.isEmpty()) {
            throw src.fail("", null, "missing required key" + (missing.size() > 1 ? "s " : " ")
                    + missing.stream().map(k -> "\"" + k + "\"").collect(Collectors.joining(", "))
                    + (full || shorthand ? "" : " (or the shorthand \"layers\" + \"input\" + \"target\" + \"loss\")"));
        }
        Map<String, TensorSpec> inputs = tensors(root.get("inputs"), "/inputs", false);
        Map<String, TensorSpec> params;
        List<Draft> drafts;
        String output;
        if (shorthand) {
            params = new LinkedHashMap<>();
            drafts = new ArrayList<>();
            output = expandLayers(root, params, drafts);
        } else {
            params = tensors(root.get("params"), "/params", true);
            drafts = nodeDrafts(root.get("nodes"));
            JsonNode out = root.get("output");
            if (!out.isTextual()) {
                throw src.fail("/output", null, "output must be a node name (a string), got " + shortJson(out));
            }
            output = out.asText();
        }
        List<NodeSpec> nodes = nodes(drafts);
        String outPtr = shorthand ? "/loss" : "/output";
        if (!declared.containsKey(output)) {
            throw src.fail(outPtr, output, "output '" + output + "' is not defined" + nearest(output));
        }
        Shape outShape = shapes.get(output);
        if (outShape.size() != 1) {
            throw src.fail(outPtr, output, "output '" + output + "' has shape " + outShape
                    + "; gradients are taken of a scalar (reduce it with sum or mean, or use reduction \"mean\")");
        }
        if (dtypes.get(output) != DType.FLOAT64) {
            throw src.fail(outPtr, output, "output '" + output + "' is int64; gradients need a float64 output");
        }
        return new Model(name, seed, src.file, inputs, params, Map.of(), nodes, output, shapes, dtypes, shorthand,
                List.of());
    }

    // ------------------------------------------------------------------ inputs and params

    private Map<String, TensorSpec> tensors(JsonNode node, String base, boolean param) {
        if (!node.isObject()) {
            throw src.fail(base, null, base.substring(1) + " must be an object mapping names to {shape, dtype?, init?}, "
                    + "got " + kind(node));
        }
        Map<String, TensorSpec> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = ptr(base, e.getKey());
            declare(e.getKey(), p);
            TensorSpec spec = tensor(e.getKey(), e.getValue(), p, param);
            out.put(spec.name(), spec);
        }
        return out;
    }

    private TensorSpec tensor(String name, JsonNode node, String p, boolean param) {
        if (!node.isObject()) {
            throw src.fail(p, name, "'" + name + "' must be an object {shape, dtype?, init?}, got " + kind(node));
        }
        checkKeys(node, p, TENSOR_KEYS, "key");
        if (!node.has("shape")) {
            throw src.fail(p, name, "'" + name + "' has no \"shape\"");
        }
        Shape shape = shape(node.get("shape"), ptr(p, "shape"), name);
        DType dtype = DType.FLOAT64;
        if (node.has("dtype")) {
            JsonNode d = node.get("dtype");
            dtype = d.isTextual() ? DType.byLabel(d.asText()) : null;
            if (dtype == null) {
                throw src.fail(ptr(p, "dtype"), name, "dtype must be \"float64\" or \"int64\", got " + shortJson(d));
            }
        }
        if (param && dtype == DType.INT64) {
            throw src.fail(ptr(p, "dtype"), name, "param '" + name + "' is int64; params get gradients and must be "
                    + "float64 (put integer data in inputs)");
        }
        Init init = node.has("init") ? init(node.get("init"), ptr(p, "init"), name, shape, dtype) : new Init.Zeros();
        TensorSpec spec = new TensorSpec(name, param, shape, dtype, init, p);
        count(shape, p, name);
        shapes.put(name, shape);
        dtypes.put(name, dtype);
        specs.put(name, spec);
        return spec;
    }

    private Shape shape(JsonNode node, String p, String name) {
        if (!node.isArray()) {
            throw src.fail(p, name, "shape must be a list of dimensions such as [8, 4] ([] for a scalar), got "
                    + shortJson(node));
        }
        if (node.size() > 32) {
            throw src.fail(p, name, "shape has " + node.size() + " dimensions; at most 32 are allowed");
        }
        int[] dims = new int[node.size()];
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = node.get(i);
            if (!d.isIntegralNumber()) {
                throw src.fail(ptr(p, i), name, "dimension " + shortJson(d) + " of shape " + listText(node)
                        + " is not an integer");
            }
            if (d.isBigInteger() || d.asLong() < 0) {
                throw src.fail(ptr(p, i), name, (d.asLong() < 0 || d.bigIntegerValue().signum() < 0 ? "negative" : "absurd")
                        + " dimension " + d.asText() + " in shape " + listText(node));
            }
            long v = d.asLong();
            if (v > limits.maxElementsPerTensor()) {
                throw src.fail(ptr(p, i), name, "absurd dimension " + v + " in shape " + listText(node)
                        + ": over the limit of " + limits.maxElementsPerTensor() + " elements per tensor");
            }
            dims[i] = (int) v;
            n *= Math.max(v, 1);
            if (n > limits.maxElementsPerTensor()) {
                throw src.fail(p, name, "shape " + listText(node) + " has more than the limit of "
                        + limits.maxElementsPerTensor() + " elements per tensor");
            }
        }
        return Shape.of(dims);
    }

    private void count(Shape shape, String p, String name) {
        if (shape.size() > limits.maxElementsPerTensor()) {
            throw src.fail(p, name, "'" + name + "' of shape " + shape + " has " + shape.size()
                    + " elements, over the limit of " + limits.maxElementsPerTensor() + " per tensor");
        }
        totalElements += shape.size();
        if (totalElements > limits.maxElementsPerModel()) {
            throw src.fail(p, name, "the model holds more than the limit of " + limits.maxElementsPerModel()
                    + " elements (inputs, params and node outputs together), reached at '" + name + "' " + shape);
        }
    }

    // ------------------------------------------------------------------ init

    private Init init(JsonNode node, String p, String name, Shape shape, DType dtype) {
        String form;
        JsonNode arg = null;
        if (node.isTextual()) {
            form = node.asText();
            if (!Set.of("zeros", "ones", "kaiming", "xavier").contains(form)) {
                throw src.fail(p, name, "unknown init " + shortJson(node) + "; expected one of "
                        + String.join(", ", INIT_FORMS) + suggest(form, INIT_FORMS));
            }
        } else if (node.isObject() && node.has("file")) {
            form = "file";
            checkKeys(node, p, Set.of("file", "key"), "key of a file init");
        } else if (node.isObject() && node.size() == 1) {
            form = node.fieldNames().next();
            arg = node.get(form);
            if (!INIT_FORMS.contains(form)) {
                throw src.fail(ptr(p, form), name, "unknown init \"" + form + "\"; expected one of "
                        + String.join(", ", INIT_FORMS) + suggest(form, INIT_FORMS));
            }
        } else {
            throw src.fail(p, name, "init must be \"zeros\", \"ones\", \"kaiming\", \"xavier\" or an object with one "
                    + "key (normal, uniform, randint, value) or {\"file\": …, \"key\": …}; got " + shortJson(node));
        }
        if (dtype == DType.INT64 && Set.of("normal", "uniform", "kaiming", "xavier").contains(form)) {
            throw src.fail(p, name, "'" + name + "' is int64; its init must be zeros, ones, randint, value or file, "
                    + "not " + form);
        }
        if ((form.equals("kaiming") || form.equals("xavier")) && shape.rank() < 2) {
            throw src.fail(p, name, form + " init needs a tensor of rank 2 or more (PyTorch's fan_in/fan_out "
                    + "convention), but '" + name + "' has shape " + shape);
        }
        String ap = arg == null ? p : ptr(p, form);
        switch (form) {
            case "zeros":
                return new Init.Zeros();
            case "ones":
                return new Init.Ones();
            case "normal": {
                Map<String, Double> a = numbers(arg, ap, name, Set.of("mean", "std"));
                double std = a.getOrDefault("std", 1.0);
                if (std < 0) {
                    throw src.fail(ptr(ap, "std"), name, "normal std must be >= 0, got " + std);
                }
                return new Init.Normal(a.getOrDefault("mean", 0.0), std);
            }
            case "uniform": {
                Map<String, Double> a = numbers(arg, ap, name, Set.of("low", "high"));
                double low = a.getOrDefault("low", 0.0);
                double high = a.getOrDefault("high", 1.0);
                if (!(low <= high)) {
                    throw src.fail(ap, name, "uniform needs low <= high, got low " + low + ", high " + high);
                }
                return new Init.Uniform(low, high);
            }
            case "randint": {
                Map<String, Double> a = numbers(arg, ap, name, Set.of("low", "high"));
                if (!a.containsKey("high")) {
                    throw src.fail(ap, name, "randint needs \"high\" (exclusive), e.g. {\"randint\": {\"low\": 0, "
                            + "\"high\": 3}}");
                }
                double low = a.getOrDefault("low", 0.0);
                double high = a.get("high");
                if (low != Math.rint(low) || high != Math.rint(high) || Math.abs(low) > 1L << 53
                        || Math.abs(high) > 1L << 53) {
                    throw src.fail(ap, name, "randint low and high must be integers, got " + low + " and " + high);
                }
                if (!(low < high)) {
                    throw src.fail(ap, name, "randint needs low < high (high is exclusive), got low " + (long) low
                            + ", high " + (long) high);
                }
                return new Init.RandInt((long) low, (long) high);
            }
            case "kaiming": {
                double a = 0;
                boolean fanOut = false;
                if (arg != null) {
                    if (!arg.isObject()) {
                        throw src.fail(ap, name, "kaiming takes an object {a?, mode?}, got " + shortJson(arg));
                    }
                    checkKeys(arg, ap, Set.of("a", "mode"), "key of kaiming");
                    if (arg.has("a")) {
                        a = number(arg.get("a"), ptr(ap, "a"), name);
                    }
                    if (arg.has("mode")) {
                        String mode = arg.get("mode").asText();
                        if (!arg.get("mode").isTextual() || !(mode.equals("fan_in") || mode.equals("fan_out"))) {
                            throw src.fail(ptr(ap, "mode"), name, "kaiming mode must be \"fan_in\" or \"fan_out\", got "
                                    + shortJson(arg.get("mode")));
                        }
                        fanOut = mode.equals("fan_out");
                    }
                }
                return new Init.Kaiming(a, fanOut);
            }
            case "xavier": {
                double gain = 1;
                if (arg != null) {
                    gain = numbers(arg, ap, name, Set.of("gain")).getOrDefault("gain", 1.0);
                }
                return new Init.Xavier(gain);
            }
            case "value":
                return new Init.Value(values(arg, ap, name, shape, dtype));
            case "file":
                return fileInit(node, p, name, shape, dtype);
            default:
                throw new IllegalStateException(form);
        }
    }

    private Map<String, Double> numbers(JsonNode arg, String p, String name, Set<String> keys) {
        if (!arg.isObject()) {
            throw src.fail(p, name, "expected an object with " + String.join(", ", keys.stream().sorted()
                    .collect(Collectors.toList())) + ", got " + shortJson(arg));
        }
        checkKeys(arg, p, keys, "key");
        Map<String, Double> out = new HashMap<>();
        arg.properties().forEach(e -> out.put(e.getKey(), number(e.getValue(), ptr(p, e.getKey()), name)));
        return out;
    }

    private double number(JsonNode n, String p, String name) {
        if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
            throw src.fail(p, name, "expected a finite number, got " + shortJson(n));
        }
        return n.asDouble();
    }

    /** A {@code value} init, flattened row-major after checking that it nests exactly as the shape. */
    private double[] values(JsonNode node, String p, String name, Shape shape, DType dtype) {
        double[] out = new double[shape.size()];
        int[] pos = {0};
        flatten(node, shape.dims(), 0, p, name, shape, dtype, out, pos);
        return out;
    }

    private void flatten(JsonNode n, int[] dims, int depth, String p, String name, Shape shape, DType dtype,
            double[] out, int[] pos) {
        if (depth == dims.length) {
            if (!n.isNumber()) {
                throw src.fail(p, name, "value of '" + name + "' (shape " + shape + ") must nest " + dims.length
                        + " level" + (dims.length == 1 ? "" : "s") + " deep with numbers inside; found " + kind(n)
                        + " at depth " + depth + (dims.length == 0 ? " (a 0-d tensor takes a bare number)" : ""));
            }
            double v = n.asDouble();
            if (!Double.isFinite(v)) {
                throw src.fail(p, name, "value " + n.asText() + " is not a finite double");
            }
            if (dtype == DType.INT64 && (v != Math.rint(v) || Math.abs(v) > 1L << 53)) {
                throw src.fail(p, name, "'" + name + "' is int64, but the value " + n.asText() + " is not an integer");
            }
            out[pos[0]++] = v;
            return;
        }
        if (!n.isArray() || n.size() != dims[depth]) {
            String found = n.isArray() ? "a list of " + n.size() : kind(n);
            throw src.fail(p, name, "value of '" + name + "' does not nest as its shape " + shape + ": expected a list of "
                    + dims[depth] + " at depth " + depth + ", found " + found);
        }
        for (int i = 0; i < dims[depth]; i++) {
            flatten(n.get(i), dims, depth + 1, ptr(p, i), name, shape, dtype, out, pos);
        }
    }

    private Init fileInit(JsonNode node, String p, String name, Shape shape, DType dtype) {
        JsonNode f = node.get("file");
        if (!f.isTextual() || f.asText().isEmpty()) {
            throw src.fail(ptr(p, "file"), name, "file must be a path (a string), got " + shortJson(f));
        }
        String fileName = f.asText();
        String key = name;
        if (node.has("key")) {
            if (!node.get("key").isTextual()) {
                throw src.fail(ptr(p, "key"), name, "key must be a string, got " + shortJson(node.get("key")));
            }
            key = node.get("key").asText();
        }
        Path path = resolveDataFile(fileName, ptr(p, "file"), name);
        Map<String, Tensor> arrays;
        try {
            arrays = dataFiles.computeIfAbsent(path, x -> DataFiles.read(x, limits.maxElementsPerTensor()));
        } catch (ModelFileException e) {
            throw src.fail(ptr(p, "file"), name, e.getMessage(), e);
        }
        Tensor t;
        if (fileName.endsWith(".npy")) {
            t = arrays.values().iterator().next();
        } else {
            t = arrays.get(key);
            if (t == null) {
                throw src.fail(p, name, fileName + " has no array '" + key + "'; it holds "
                        + (arrays.isEmpty() ? "none" : String.join(", ", arrays.keySet())));
            }
        }
        if (t.dtype() != dtype) {
            throw src.fail(p, name, fileName + ": array '" + key + "' is " + t.dtype().label() + ", but '" + name
                    + "' is " + dtype.label());
        }
        if (!t.shape().equals(shape)) {
            throw src.fail(p, name, fileName + ": array '" + key + "' has shape " + t.shape() + ", but '" + name
                    + "' has shape " + shape);
        }
        return new Init.File(fileName, key, t);
    }

    /** The data file's path, refusing absolute paths, {@code ..} and symlinks out of the model's folder. */
    private Path resolveDataFile(String fileName, String p, String name) {
        Path rel;
        try {
            rel = Path.of(fileName);
        } catch (java.nio.file.InvalidPathException e) {
            throw src.fail(p, name, "invalid path \"" + fileName + "\"");
        }
        if (baseDir == null) {
            throw src.fail(p, name, "file inits need the model's folder; load the model from a file");
        }
        Path resolved = baseDir.resolve(rel).normalize();
        if (limits.allowOutsideFiles()) {
            return resolved;
        }
        boolean escapes = rel.isAbsolute() || fileName.startsWith("/") || fileName.startsWith("\\");
        for (Path part : rel) {
            escapes |= part.toString().equals("..");
        }
        if (escapes) {
            throw src.fail(p, name, "data file \"" + fileName + "\" is outside the model's folder (no absolute paths "
                    + "or '..'; use --allow-outside-files to permit)");
        }
        try {
            if (Files.exists(resolved) && !resolved.toRealPath().startsWith(baseDir.toRealPath())) {
                throw src.fail(p, name, "data file \"" + fileName + "\" links outside the model's folder "
                        + "(use --allow-outside-files to permit)");
            }
        } catch (IOException e) {
            throw src.fail(p, name, "cannot resolve data file \"" + fileName + "\": " + e.getMessage());
        }
        return resolved;
    }

    // ------------------------------------------------------------------ nodes

    /** A node before validation, from {@code nodes} or from the {@code layers} shorthand. */
    private record Draft(String name, String op, List<String> inputs, JsonNode attrs, Map<String, Object> attrValues,
            String pointer, String opPointer, String inputsPointer, String attrsPointer) {
    }

    private List<Draft> nodeDrafts(JsonNode nodes) {
        if (!nodes.isArray()) {
            throw src.fail("/nodes", null, "nodes must be a list of {name, op, inputs, attrs?}, got " + kind(nodes));
        }
        List<Draft> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode n = nodes.get(i);
            String p = ptr("/nodes", i);
            if (!n.isObject()) {
                throw src.fail(p, null, "a node must be an object {name, op, inputs, attrs?}, got " + kind(n));
            }
            checkKeys(n, p, NODE_KEYS, "node key");
            for (String k : List.of("name", "op", "inputs")) {
                if (!n.has(k)) {
                    throw src.fail(p, n.has("name") ? n.get("name").asText() : null, "node " + i + " has no \"" + k + "\"");
                }
            }
            String name = nameOf(n.get("name"), ptr(p, "name"));
            if (!n.get("op").isTextual()) {
                throw src.fail(ptr(p, "op"), name, "op must be an op name (a string), got " + shortJson(n.get("op")));
            }
            JsonNode ins = n.get("inputs");
            if (!ins.isArray()) {
                throw src.fail(ptr(p, "inputs"), name, "inputs must be a list of names, got " + shortJson(ins));
            }
            List<String> inputs = new ArrayList<>();
            for (int k = 0; k < ins.size(); k++) {
                if (!ins.get(k).isTextual()) {
                    throw src.fail(ptr(ptr(p, "inputs"), k), name, "an input must be a name (a string), got "
                            + shortJson(ins.get(k)));
                }
                inputs.add(ins.get(k).asText());
            }
            JsonNode attrs = n.get("attrs");
            if (attrs != null && !attrs.isObject() && !attrs.isNull()) {
                throw src.fail(ptr(p, "attrs"), name, "attrs must be an object, got " + shortJson(attrs));
            }
            out.add(new Draft(name, n.get("op").asText(), inputs, attrs, null, p, ptr(p, "op"), ptr(p, "inputs"),
                    ptr(p, "attrs")));
        }
        return out;
    }

    private List<NodeSpec> nodes(List<Draft> drafts) {
        Map<String, Draft> byName = new HashMap<>();
        for (Draft d : drafts) {
            byName.putIfAbsent(d.name(), d);
        }
        List<NodeSpec> out = new ArrayList<>();
        for (Draft d : drafts) {
            OpDef op;
            try {
                op = OpRegistry.get(d.op());
            } catch (IllegalArgumentException e) {
                throw src.fail(d.opPointer(), d.name(), "node '" + d.name() + "': " + e.getMessage());
            }
            for (int k = 0; k < d.inputs().size(); k++) {
                String in = d.inputs().get(k);
                if (!declared.containsKey(in)) {
                    String ip = d.inputsPointer().equals(d.pointer()) ? d.pointer() : ptr(d.inputsPointer(), k);
                    throw src.fail(ip, d.name(), undefined(in, d, byName));
                }
            }
            declare(d.name(), d.pointer());
            try {
                op.checkArity(d.inputs().size());
            } catch (IllegalArgumentException e) {
                throw src.fail(d.inputsPointer(), d.name(), label(op, d) + ": " + stripOp(e.getMessage(), op));
            }
            Attrs attrs = attrs(d, op);
            Shape[] in = new Shape[d.inputs().size()];
            for (int k = 0; k < in.length; k++) {
                String inName = d.inputs().get(k);
                InputSpec spec = op.input(k);
                DType want = spec.kind() == InputSpec.Kind.INDEX ? DType.INT64 : DType.FLOAT64;
                if (dtypes.get(inName) != want) {
                    String ip = d.inputsPointer().equals(d.pointer()) ? d.pointer() : ptr(d.inputsPointer(), k);
                    throw src.fail(ip, d.name(), label(op, d) + ": input '" + spec.name() + "' must be " + want.label()
                            + ", but '" + inName + "' is " + dtypes.get(inName).label() + " of shape " + shapes.get(inName)
                            + (want == DType.INT64 ? " (declare it with \"dtype\": \"int64\")" : ""));
                }
                in[k] = shapes.get(inName);
            }
            Shape shape;
            try {
                shape = op.inferShape(in, attrs);
            } catch (IllegalArgumentException e) {
                throw src.fail(d.pointer(), d.name(), label(op, d) + ": " + stripOp(e.getMessage(), op), e);
            } catch (RuntimeException e) {
                // a shape rule that trips over unusual input is still the file's problem to report, not a crash
                throw src.fail(d.pointer(), d.name(), label(op, d) + ": cannot infer the output shape from inputs "
                        + Arrays.toString(in) + " and attributes " + attrs + " (" + e + ")", e);
            }
            count(shape, d.pointer(), d.name());
            shapes.put(d.name(), shape);
            dtypes.put(d.name(), op.outputType());
            NodeSpec node = new NodeSpec(d.name(), op, d.inputs(), attrs, shape, op.outputType(), d.pointer());
            checkIndexRanges(node);
            out.add(node);
        }
        return out;
    }

    private String undefined(String in, Draft d, Map<String, Draft> byName) {
        if (in.equals(d.name())) {
            return "node '" + d.name() + "' takes its own output as input: a cycle";
        }
        Draft later = byName.get(in);
        if (later != null) {
            List<String> cycle = cycle(in, d.name(), byName);
            if (cycle != null) {
                return "cycle: " + String.join(" -> ", cycle) + " (node '" + d.name() + "' uses '" + in
                        + "', which depends on it)";
            }
            return "node '" + d.name() + "' uses '" + in + "' before its definition at " + later.pointer()
                    + " (nodes run in order: define '" + in + "' first)";
        }
        return "node '" + d.name() + "': undefined name '" + in + "'" + nearest(in);
    }

    /** A path from {@code from} back to {@code target} through not-yet-defined nodes, or null. */
    private List<String> cycle(String from, String target, Map<String, Draft> byName) {
        Map<String, String> parent = new HashMap<>();
        java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>();
        queue.add(from);
        parent.put(from, null);
        while (!queue.isEmpty()) {
            String cur = queue.poll();
            Draft cd = byName.get(cur);
            if (cd == null) {
                continue;
            }
            for (String nxt : cd.inputs()) {
                if (nxt.equals(target)) {
                    List<String> path = new ArrayList<>();
                    path.add(target);
                    for (String x = cur; x != null; x = parent.get(x)) {
                        path.add(x);
                    }
                    java.util.Collections.reverse(path);
                    path.add(0, target);
                    return path;
                }
                if (!parent.containsKey(nxt) && byName.containsKey(nxt) && !declared.containsKey(nxt)) {
                    parent.put(nxt, cur);
                    queue.add(nxt);
                }
            }
        }
        return null;
    }

    private Attrs attrs(Draft d, OpDef op) {
        Map<String, Object> given = d.attrValues() != null ? d.attrValues() : new LinkedHashMap<>();
        if (d.attrs() != null && d.attrs().isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = d.attrs().properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                given.put(e.getKey(), javaValue(e.getValue(), ptr(d.attrsPointer(), e.getKey()), d.name(), op));
            }
        }
        try {
            return op.resolve(Attrs.fromMap(given));
        } catch (IllegalArgumentException | ClassCastException | ArithmeticException e) {
            String p = d.attrsPointer();
            Matcher m = ATTR_NAME.matcher(e.getMessage());
            if (m.find() && given.containsKey(m.group(1))) {
                p = ptr(p, m.group(1));
            }
            throw src.fail(p, d.name(), label(op, d) + ": " + stripOp(e.getMessage(), op));
        }
    }

    private Object javaValue(JsonNode v, String p, String node, OpDef op) {
        if (v.isNull()) {
            return null;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isIntegralNumber()) {
            if (!v.canConvertToInt()) {
                throw src.fail(p, node, op.name() + " '" + node + "': attribute value " + v.asText()
                        + " does not fit in an int");
            }
            return v.intValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isArray()) {
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                JsonNode e = v.get(i);
                if (!e.isNumber()) {
                    throw src.fail(ptr(p, i), node, op.name() + " '" + node + "': attribute lists hold numbers only, got "
                            + shortJson(e));
                }
                list.add(javaValue(e, ptr(p, i), node, op));
            }
            return list;
        }
        throw src.fail(p, node, op.name() + " '" + node + "': attribute values are numbers, strings, booleans, "
                + "null or lists of numbers; got " + kind(v));
    }

    /** Class targets and embedding indices that the init already tells are out of range. */
    private void checkIndexRanges(NodeSpec node) {
        IndexRanges.Check c = IndexRanges.of(node, shapes);
        if (c == null || dtypes.get(c.indexName()) != DType.INT64) {
            return;
        }
        TensorSpec spec = specs.get(c.indexName());
        if (spec == null) {
            return;
        }
        String problem = null;
        if (spec.init() instanceof Init.RandInt r) {
            if (r.low() < 0 || r.high() > c.limit()) {
                problem = c.what() + " '" + spec.name() + "' has init randint [" + r.low() + ", " + r.high()
                        + "), but must lie in [0, " + c.limit() + ")";
            }
        } else if (spec.init() instanceof Init.Value || spec.init() instanceof Init.File) {
            problem = c.check(new Initializer(0).make(spec));
        }
        if (problem != null) {
            throw src.fail(spec.init() instanceof Init.File ? spec.pointer() : ptr(spec.pointer(), "init"), node.name(),
                    node.op().name() + " '" + node.name() + "': " + problem);
        }
    }

    // ------------------------------------------------------------------ layers shorthand

    private String expandLayers(JsonNode root, Map<String, TensorSpec> params, List<Draft> drafts) {
        String input = inputRef(root, "input");
        String target = inputRef(root, "target");
        JsonNode layers = root.get("layers");
        if (!layers.isArray() || layers.isEmpty()) {
            throw src.fail("/layers", null, "layers must be a non-empty list of {type, …}, got " + shortJson(layers));
        }
        String cur = input;
        for (int i = 0; i < layers.size(); i++) {
            JsonNode l = layers.get(i);
            String p = ptr("/layers", i);
            if (!l.isObject() || !l.has("type") || !l.get("type").isTextual()) {
                throw src.fail(p, null, "a layer must be an object with a \"type\" (\"linear\" or a one-input op name), "
                        + "got " + shortJson(l));
            }
            String type = l.get("type").asText();
            String out = "h" + i;
            if (type.equals("linear")) {
                checkKeys(l, p, Set.of("type", "in", "out", "bias"), "key of a linear layer");
                int in = positive(l, p, "in");
                int outF = positive(l, p, "out");
                boolean bias = true;
                if (l.has("bias")) {
                    if (!l.get("bias").isBoolean()) {
                        throw src.fail(ptr(p, "bias"), out, "bias must be true or false, got " + shortJson(l.get("bias")));
                    }
                    bias = l.get("bias").booleanValue();
                }
                // nn.Linear's default init: weight and bias uniform in ±1/sqrt(in)
                double bound = 1 / Math.sqrt(in);
                List<String> ins = new ArrayList<>(List.of(cur, i + ".weight"));
                layerParam(params, i + ".weight", Shape.of(outF, in), bound, p);
                if (bias) {
                    layerParam(params, i + ".bias", Shape.of(outF), bound, p);
                    ins.add(i + ".bias");
                }
                drafts.add(new Draft(out, "linear", ins, null, null, p, ptr(p, "type"), p, p));
            } else {
                Map<String, Object> attrs = new LinkedHashMap<>();
                OpDef op = OpRegistry.contains(type) ? OpRegistry.get(type) : null;
                if (op != null && op.minArity() > 1) {
                    throw src.fail(ptr(p, "type"), out, "layer type '" + type + "' takes " + op.arityText()
                            + " inputs; a layer is \"linear\" or a one-input op (write such a model with nodes)");
                }
                l.properties().forEach(e -> {
                    if (!e.getKey().equals("type")) {
                        attrs.put(e.getKey(), op == null ? null : javaValue(e.getValue(), ptr(p, e.getKey()), out, op));
                    }
                });
                drafts.add(new Draft(out, type, List.of(cur), null, attrs, p, ptr(p, "type"), p, p));
            }
            cur = out;
        }
        JsonNode loss = root.get("loss");
        String lossOp;
        Map<String, Object> lossAttrs = new LinkedHashMap<>();
        if (loss.isTextual()) {
            lossOp = loss.asText();
        } else if (loss.isObject() && loss.has("op") && loss.get("op").isTextual()) {
            lossOp = loss.get("op").asText();
            OpDef op = OpRegistry.contains(lossOp) ? OpRegistry.get(lossOp) : null;
            loss.properties().forEach(e -> {
                if (!e.getKey().equals("op")) {
                    lossAttrs.put(e.getKey(), op == null ? null : javaValue(e.getValue(), ptr("/loss", e.getKey()),
                            "loss", op));
                }
            });
        } else {
            throw src.fail("/loss", "loss", "loss must be an op name such as \"cross_entropy\" or {\"op\": …, "
                    + "\"reduction\": …}, got " + shortJson(loss));
        }
        String lossPtr = loss.isTextual() ? "/loss" : "/loss/op";
        drafts.add(new Draft("loss", lossOp, List.of(cur, target), null, lossAttrs, "/loss", lossPtr, "/loss", "/loss"));
        return "loss";
    }

    private void layerParam(Map<String, TensorSpec> params, String name, Shape shape, double bound, String p) {
        declare(name, p);
        TensorSpec spec = new TensorSpec(name, true, shape, DType.FLOAT64, new Init.Uniform(-bound, bound), p);
        count(shape, p, name);
        shapes.put(name, shape);
        dtypes.put(name, DType.FLOAT64);
        specs.put(name, spec);
        params.put(name, spec);
    }

    private int positive(JsonNode l, String p, String key) {
        JsonNode v = l.get(key);
        if (v == null) {
            throw src.fail(p, null, "a linear layer needs \"" + key + "\" (features)");
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() <= 0
                || v.intValue() > limits.maxElementsPerTensor()) {
            throw src.fail(ptr(p, key), null, "linear \"" + key + "\" must be a positive integer, got " + shortJson(v));
        }
        return v.intValue();
    }

    private String inputRef(JsonNode root, String key) {
        JsonNode v = root.get(key);
        if (!v.isTextual()) {
            throw src.fail("/" + key, null, key + " must name an entry of inputs, got " + shortJson(v));
        }
        String name = v.asText();
        if (!specs.containsKey(name) || specs.get(name).param()) {
            throw src.fail("/" + key, name, key + " '" + name + "' is not an entry of inputs" + nearest(name));
        }
        return name;
    }

    // ------------------------------------------------------------------ helpers

    private String nameOf(JsonNode n, String p) {
        if (!n.isTextual() || n.asText().isEmpty()) {
            throw src.fail(p, null, "a name must be a non-empty string, got " + shortJson(n));
        }
        return n.asText();
    }

    private void declare(String name, String p) {
        if (name.isEmpty()) {
            throw src.fail(p, null, "names must not be empty");
        }
        if (name.length() > limits.maxNameLength()) {
            throw src.fail(p, null, "a name of " + name.length() + " characters is over the limit of "
                    + limits.maxNameLength() + " (starts \"" + name.substring(0, 20) + "…\")");
        }
        String before = declared.putIfAbsent(name, p);
        if (before != null) {
            throw src.fail(p, name, "duplicate name '" + name + "': already defined at " + before);
        }
    }

    private void checkKeys(JsonNode obj, String p, Set<String> allowed, String what) {
        Iterator<String> it = obj.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!allowed.contains(k)) {
                List<String> sorted = allowed.stream().sorted().collect(Collectors.toList());
                throw src.fail(ptr(p, k), null, "unknown " + what + " \"" + abbreviate(k) + "\"; expected "
                        + String.join(", ", sorted) + suggest(k, sorted));
            }
        }
    }

    private String optString(JsonNode obj, String p, String key, String dflt) {
        JsonNode v = obj.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isTextual()) {
            throw src.fail(ptr(p, key), null, key + " must be a string, got " + shortJson(v));
        }
        return v.asText();
    }

    private String nearest(String name) {
        return suggest(name, new ArrayList<>(declared.keySet()));
    }

    /**
     * The loader's "did you mean" for a name given elsewhere (e.g. on a command line) that is not
     * among {@code known}: {@code "; did you mean W1, W2?"} with up to three nearest names, or
     * {@code ""} when none is near, by the same rule as the loader's own messages.
     */
    public static String didYouMean(String name, List<String> known) {
        return suggest(name, known);
    }

    private static String suggest(String name, List<String> known) {
        List<String> near = known.stream()
                .filter(k -> distance(k, name) <= Math.max(2, k.length() / 3))
                .sorted((a, b) -> Integer.compare(distance(a, name), distance(b, name)))
                .limit(3).collect(Collectors.toList());
        return near.isEmpty() ? "" : "; did you mean " + String.join(", ", near) + "?";
    }

    /** Edit distance, with names far apart in length or very long (untrusted input) ruled out cheaply. */
    private static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 10 || a.length() > 200 || b.length() > 200) {
            return Integer.MAX_VALUE / 2;
        }
        return NearestNames.distance(a, b);
    }

    /** {@code matmul 'z1'} (the node's label in messages). */
    private static String label(OpDef op, Draft d) {
        return op.name() + " '" + d.name() + "'";
    }

    /** The engine's message without its leading {@code "op: "}, which {@link #label} replaces. */
    private static String stripOp(String msg, OpDef op) {
        return msg.startsWith(op.name() + ": ") ? msg.substring(op.name().length() + 2) : msg;
    }

    private static String kind(JsonNode n) {
        if (n.isObject()) {
            return "an object";
        }
        if (n.isArray()) {
            return "a list";
        }
        if (n.isTextual()) {
            return "a string";
        }
        if (n.isNumber()) {
            return "a number";
        }
        if (n.isBoolean()) {
            return "a boolean";
        }
        return "null";
    }

    /** A JSON list as shapes print everywhere: {@code [8, -4]}. */
    private static String listText(JsonNode n) {
        List<String> parts = new ArrayList<>();
        n.forEach(e -> parts.add(e.isTextual() ? e.toString() : e.asText()));
        return abbreviate("[" + String.join(", ", parts) + "]");
    }

    private static String shortJson(JsonNode n) {
        return abbreviate(n.toString());
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "…";
    }

    private static String stem(Path file) {
        String f = file.getFileName().toString();
        return f.endsWith(".json") ? f.substring(0, f.length() - 5) : f;
    }
}
