package dev.gradcheck.corpus;

import dev.gradcheck.CustomOp;
import java.util.List;
import java.util.Set;

/**
 * A gradient bug that shipped in a public project, ported to the CustomOp SPI as it was and as it
 * was fixed.
 *
 * @param id a short name
 * @param source where it came from: repository and issue, pull request or commit
 * @param what the bug in one sentence
 * @param buggy the op as it shipped
 * @param fixed the op as it was fixed (or as the report says it should be)
 * @param causes the findings that name the right cause: any one of these sets, all of its kinds in
 *     the op's findings ({@code "error"} stands for a status-error message naming the problem);
 *     empty when no finding names the cause yet (the bug is kept to measure the diagnoser)
 */
record RealBug(String id, String source, String what, CustomOp buggy, CustomOp fixed, List<Set<String>> causes) {
}
