package dev.gradcheck.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/model-format.md's ONNX op table is the table in code ({@link OnnxOpTable}), row for row. */
class OnnxOpTableDocsTest {
    private static final String START = "<!-- onnx-op-table: generated from OnnxOpTable.markdownRows(), checked by "
            + "OnnxOpTableDocsTest -->";
    private static final String END = "<!-- /onnx-op-table -->";

    @Test
    void theDocsTableIsTheCodesTable() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "model-format.md"));
        int from = doc.indexOf(START);
        int to = doc.indexOf(END);
        String expected = String.join("\n", OnnxOpTable.markdownRows());
        assertTrue(from >= 0 && to > from, "docs/model-format.md needs the markers " + START + " and " + END
                + " around the rows:\n" + expected);
        List<String> rows = doc.substring(from + START.length(), to).lines()
                .filter(l -> l.startsWith("| ") && !l.startsWith("| ONNX op") && !l.startsWith("|---")).toList();
        assertEquals(expected, String.join("\n", rows), "docs/model-format.md's ONNX op table");
    }

    @Test
    void everyRowsEngineOpsAreRegistered() {
        for (OnnxOp row : OnnxOpTable.rows()) {
            assertEquals(List.of(), row.missingEngineOps(), row.type() + " needs engine ops the registry lacks");
        }
        assertEquals(OnnxOpTable.rows().size(), OnnxOpTable.supported().size());
    }
}
