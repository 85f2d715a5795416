package dev.gradcheck.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcheck.CheckReport;
import dev.gradcheck.CheckResult;
import dev.gradcheck.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class TerminalTextTest {
    @Test
    void controlCharactersBecomeJavaEscapesOnOneLine() {
        assertEquals("ansi\\u001b[32m\\u000aPASS  x\\u000d\\u0007\\u0008\\u0009",
                TerminalText.escape("ansi\u001b[32m\nPASS  x\r\u0007\b\t"));
        assertEquals("del\\u007f c1\\u009b bidi\\u202e\\u2066 sep\\u2028", TerminalText.escape(
                "del\u007f c1\u009b bidi\u202e\u2066 sep\u2028"));
    }

    /** Tester 16, finding 20: a zero-width space printed as nothing, so {@code W\\u200b2} read as {@code W2}. */
    @Test
    void invisibleCharactersAreEscapedSoNoNameLooksLikeAnother() {
        assertEquals("W\\u200b2", TerminalText.escape("W\u200b2"));
        assertEquals("a\\u200cb\\u200dc\\u2060d\\ufeffe\\u00adf", TerminalText.escape("a\u200cb\u200dc\u2060d\ufeffe\u00adf"));
    }

    @Test
    void printableTextIsReturnedAsItIs() {
        String s = "W1 [4, 16] – Größe ∂L/∂x 梯度 \\u001b stays as typed";
        assertSame(s, TerminalText.escape(s));
        assertNull(TerminalText.escape(null));
    }

    @Test
    void escapeLinesKeepsLineFeedsOnly() {
        assertEquals("a\nb\\u001b[0m\\u000d\n", TerminalText.escapeLines("a\nb\u001b[0m\r\n"));
        for (char c = 0; c < 0x3000; c++) {
            String out = TerminalText.escapeLines("x" + c + "y");
            for (int i = 0; i < out.length(); i++) {
                char o = out.charAt(i);
                assertFalse(TerminalText.isUnsafe(o) && o != '\n', "U+" + Integer.toHexString(c) + " got through");
            }
        }
    }

    @Test
    void theTextReportCannotBeForgedByANameOrAMessage() {
        CheckResult forged = CheckResult.builder("evil\u001b[32m\nPASS  fake_op").status(Status.ERROR)
                .error("boom\nPASS  forged\r", null).output("line one\n\u001b[2Jline two\n").build();
        String text = new CheckReport("ops", 0, 1, List.of(forged)).toText();
        assertFalse(text.contains("\u001b") || text.contains("\r"), text);
        assertTrue(text.startsWith("ERROR evil\\u001b[32m\\u000aPASS  fake_op\n"), text);
        assertTrue(text.contains("      error: boom\\u000aPASS  forged\\u000d\n"), text);
        assertTrue(text.contains("      output: line one\n      output: \\u001b[2Jline two\n"), text);
        text.lines().forEach(l -> assertFalse(l.startsWith("PASS"), "a forged line in:\n" + text));
    }
}
