package dev.gradcheck.cli.graph;

import java.util.ArrayList;
import java.util.List;

/**
 * Breaks long label text into lines at spaces, never inside a word: a node as wide as a one-line
 * sentence dwarfs the rest of the picture, and a cut word loses what it said.
 */
final class LabelLines {
    private LabelLines() {
    }

    /**
     * {@code text} in lines of at most {@code width} characters (a longer word gets a line of its
     * own), each paragraph ({@code \n}) starting a new line; when that makes more than
     * {@code maxLines}, the first {@code maxLines} with the last ending in {@code " …"}, its last
     * whole words dropped to make room.
     */
    static List<String> wrap(String text, int width, int maxLines) {
        List<String> lines = new ArrayList<>();
        for (String paragraph : text.split("\n")) {
            StringBuilder line = new StringBuilder();
            for (String word : paragraph.strip().split(" +")) {
                if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                line.append(line.length() > 0 ? " " : "").append(word);
            }
            lines.add(line.toString());
        }
        if (lines.size() <= maxLines) {
            return lines;
        }
        List<String> kept = new ArrayList<>(lines.subList(0, maxLines));
        String last = kept.get(maxLines - 1);
        while (last.length() + 2 > width && last.contains(" ")) {
            last = last.substring(0, last.lastIndexOf(' '));
        }
        kept.set(maxLines - 1, last + " …");
        return kept;
    }
}
