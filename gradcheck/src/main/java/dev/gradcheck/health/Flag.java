package dev.gradcheck.health;

/**
 * One finding: {@code FLAG <kind> <place>: <detail>}.
 *
 * @param kind what was found
 * @param place the layer (node), param or input it was found at
 * @param detail the evidence in words, with numbers
 */
public record Flag(FlagKind kind, String place, String detail) {
    /** The line printed by {@code gradcheck flow}: {@code FLAG dead_relu h1: 14 of 16 units ...}. */
    public String line() {
        return "FLAG " + kind.label() + " " + place + ": " + detail;
    }

    @Override
    public String toString() {
        return line();
    }
}
