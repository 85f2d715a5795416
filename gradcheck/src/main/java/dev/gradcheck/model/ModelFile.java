package dev.gradcheck.model;

import java.nio.file.Path;

/**
 * A model file as read from disk, before its format is known: what a {@link ModelReader} is given.
 *
 * @param path the file (named in messages; data files it names are relative to its folder)
 * @param content its bytes
 * @param limits the limits the reader enforces
 */
public record ModelFile(Path path, byte[] content, Limits limits) {
}
