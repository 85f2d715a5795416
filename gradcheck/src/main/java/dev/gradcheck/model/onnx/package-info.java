/**
 * ONNX models: {@link dev.gradcheck.model.onnx.OnnxReader}, the {@link dev.gradcheck.model.ModelReader}
 * that {@link dev.gradcheck.model.ModelLoader} picks for an ONNX file by its content. The file is
 * decoded with protobuf-java's {@code CodedInputStream} against the field numbers of the ONNX IR
 * ({@code OnnxDecoder}, tensor data checked against the limits before it is decoded:
 * {@code TensorData}, {@code ExternalData}), then converted node by node through the
 * {@link dev.gradcheck.model.onnx.OnnxOpTable}, a table of small converter families mapping each
 * ONNX op onto registered engine ops, with constants folded at load time ({@code EngineGraph}).
 * See docs/model-format.md ("ONNX models") and docs/pytorch.md.
 */
package dev.gradcheck.model.onnx;
