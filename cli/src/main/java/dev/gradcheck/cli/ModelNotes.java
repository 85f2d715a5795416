package dev.gradcheck.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A model's notes on how it was read (for an ONNX file: the precision it was widened from, the
 * symbolic dimensions given a default), in every report: a {@code note: …} line each in text,
 * a {@code "notes"} array in JSON (absent when there are none, so JSON models' reports are as
 * before).
 */
final class ModelNotes {
    private ModelNotes() {
    }

    /** One {@code note: …} line per note. */
    static String text(List<String> notes) {
        StringBuilder sb = new StringBuilder();
        notes.forEach(n -> sb.append("note: ").append(n).append('\n'));
        return sb.toString();
    }

    /** Adds {@code "notes": […]} to {@code root} when there are notes. */
    static ObjectNode json(ObjectNode root, List<String> notes) {
        if (!notes.isEmpty()) {
            ArrayNode a = root.putArray("notes");
            notes.forEach(a::add);
        }
        return root;
    }
}
