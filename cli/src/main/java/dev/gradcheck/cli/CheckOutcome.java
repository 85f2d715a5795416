package dev.gradcheck.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One entry of a command's report: a param, an op, a custom op.
 *
 * @param name what was checked (param name, registry name or {@code CustomOp.name()})
 * @param status {@code pass}, {@code fail}, {@code kink}, {@code error} or {@code skipped}
 * @param passed true for pass, kink and skipped
 * @param json the entry of the JSON report's {@code checks} array
 * @param text the readable detail (worst entries, diagnosis), may be empty
 */
public record CheckOutcome(String name, String status, boolean passed, JsonNode json, String text) {
}
