package dev.gradcheck.model;

/**
 * Recognizes a zip archive given as a model (most often a PyTorch checkpoint, {@code .pt}) and
 * says what it is and what to give instead, rather than the JSON reader's "not valid JSON".
 */
final class ZipArchiveReader implements ModelReader {
    @Override
    public boolean recognizes(ModelFile file) {
        byte[] b = file.content();
        return b.length >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
    }

    @Override
    public Model read(ModelFile file) {
        throw new ModelFileException(file.path(), null, -1, -1, null, "a zip archive (a PyTorch checkpoint?), not a "
                + "model: export the module with torch.onnx.export and give the .onnx file (docs/pytorch.md)");
    }
}
