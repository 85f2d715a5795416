package dev.gradcheck.cli;

/** Which exceptions mean "the model or data file is invalid" (exit code 3). */
final class InvalidFiles {
    private InvalidFiles() {
    }

    static boolean isInvalidFile(Throwable e) {
        return e instanceof InvalidInputException || e instanceof dev.gradcheck.model.ModelFileException
                || e instanceof dev.gradcheck.engine.io.TensorFileException;
    }
}
