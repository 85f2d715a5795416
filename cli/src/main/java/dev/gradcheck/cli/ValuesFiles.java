package dev.gradcheck.cli;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.io.StoredTensor;
import dev.gradcheck.model.DataFiles;
import dev.gradcheck.model.Limits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --values} files, read and merged by name (e.g. a PyTorch state dict and a file of
 * the inputs). A name in two files is a usage error naming both: which value was meant cannot be
 * guessed.
 *
 * @param files each file's tensors, in the order given
 */
record ValuesFiles(List<File> files) {
    /** One file's tensors as read, and by name. */
    record File(Path path, List<StoredTensor> read, Map<String, Tensor> arrays) {
    }

    static final ValuesFiles NONE = new ValuesFiles(List.of());

    /**
     * Reads {@code paths} (none: {@link #NONE}).
     *
     * @throws UsageException when two files hold the same name
     * @throws dev.gradcheck.model.ModelFileException when a file is invalid
     */
    static ValuesFiles read(List<Path> paths, Limits limits) {
        List<File> files = new ArrayList<>();
        Map<String, Path> seen = new LinkedHashMap<>();
        for (Path p : paths) {
            List<StoredTensor> read = DataFiles.read(p, limits.maxElementsPerTensor(), limits.dataBudget());
            Map<String, Tensor> arrays = DataFiles.arrays(read);
            for (String name : arrays.keySet()) {
                Path first = seen.putIfAbsent(name, p);
                if (first != null) {
                    throw new UsageException("--values: '" + name + "' is in both " + first + " and " + p
                            + "; give each input and param in one file only");
                }
            }
            files.add(new File(p, read, arrays));
        }
        return new ValuesFiles(List.copyOf(files));
    }

    /** Every file's tensors by name. */
    Map<String, Tensor> merged() {
        Map<String, Tensor> all = new LinkedHashMap<>();
        files.forEach(f -> all.putAll(f.arrays()));
        return all;
    }

    /**
     * The files as one name for messages about the merged tensors ({@code a.pt + x.npz}), the
     * one file when there is one, null when there is none.
     */
    Path displayName() {
        if (files.isEmpty()) {
            return null;
        }
        return files.size() == 1 ? files.get(0).path()
                : Path.of(String.join(" + ", files.stream().map(f -> f.path().toString()).toList()));
    }

    /** The files for a reproduce line: {@code " --values a.pt --values x.npz"}, or {@code ""}. */
    static String flags(List<Path> paths) {
        StringBuilder sb = new StringBuilder();
        paths.forEach(p -> sb.append(" --values ").append(p));
        return sb.toString();
    }
}
