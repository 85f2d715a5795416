package dev.gradcheck.model;

import dev.gradcheck.engine.Tensor;
import dev.gradcheck.engine.io.ReadBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The data files a model file names ({@code init.file}): resolved relative to the model's folder,
 * refusing absolute paths, {@code ..} and symlinks out of it unless the {@link Limits} allow
 * outside files, and each read once ({@link DataFiles}), within the per-tensor element limit and
 * one {@link Limits#dataBudget()} shared by all the model's data files.
 */
final class DataFileAccess {
    private final ProblemSite site;
    private final Limits limits;
    private final Path baseDir;
    private final Map<Path, Map<String, Tensor>> read = new HashMap<>();
    private final ReadBudget budget;

    /** @param baseDir the model's folder, or null when the model is not from a file (file inits are refused) */
    DataFileAccess(ProblemSite site, Limits limits, Path baseDir) {
        this.site = site;
        this.limits = limits;
        this.baseDir = baseDir;
        this.budget = limits.dataBudget();
    }

    /**
     * The arrays of data file {@code fileName}, named at {@code p} for the tensor {@code name}.
     *
     * @throws ModelFileException when the path is refused, or the file cannot be read (reported at {@code p})
     */
    Map<String, Tensor> arrays(String fileName, String p, String name) {
        Path path = resolve(fileName, p, name);
        try {
            // one budget for all the model's data files: each is refused as a whole when it declares more than is left
            return read.computeIfAbsent(path, x -> DataFiles.arrays(DataFiles.read(x, limits.maxElementsPerTensor(),
                    budget)));
        } catch (ModelFileException e) {
            throw site.fail(p, name, e.getMessage(), e);
        }
    }

    /** The data file's path, refusing absolute paths, {@code ..} and symlinks out of the model's folder. */
    private Path resolve(String fileName, String p, String name) {
        Path rel;
        try {
            rel = Path.of(fileName);
        } catch (InvalidPathException e) {
            throw site.fail(p, name, "invalid path \"" + fileName + "\"");
        }
        if (baseDir == null) {
            throw site.fail(p, name, "file inits need the model's folder; load the model from a file");
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
            throw site.fail(p, name, "data file \"" + fileName + "\" is outside the model's folder (no absolute paths "
                    + "or '..'; use --allow-outside-files to permit)");
        }
        try {
            if (Files.exists(resolved) && !resolved.toRealPath().startsWith(baseDir.toRealPath())) {
                throw site.fail(p, name, "data file \"" + fileName + "\" links outside the model's folder "
                        + "(use --allow-outside-files to permit)");
            }
        } catch (IOException e) {
            throw site.fail(p, name, "cannot resolve data file \"" + fileName + "\": " + e.getMessage());
        }
        return resolved;
    }
}
