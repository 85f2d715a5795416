package dev.gradcheck.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a model file's bytes, with the checks every format shares: the file exists, is not a
 * directory, and is within {@link Limits#maxFileBytes()}.
 */
final class ModelFileReader {
    private ModelFileReader() {
    }

    /** @throws ModelFileException naming the file when it cannot be read */
    static ModelFile read(Path file, Limits limits) {
        try {
            if (Files.isDirectory(file)) {
                throw new ModelFileException(file, null, -1, -1, null, "is a directory, not a model file");
            }
            long size = Files.size(file);
            if (size > limits.maxFileBytes()) {
                throw new ModelFileException(file, null, -1, -1, null, "the file has " + size
                        + " bytes, over the limit of " + limits.maxFileBytes());
            }
            return new ModelFile(file, Files.readAllBytes(file), limits);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, null, -1, -1, null, "no such file");
        } catch (IOException e) {
            throw new ModelFileException(file, null, -1, -1, null, "cannot read: " + e.getMessage(), e);
        }
    }
}
