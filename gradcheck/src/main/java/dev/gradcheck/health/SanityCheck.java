package dev.gradcheck.health;

/**
 * One recipe check.
 *
 * @param name {@code init_loss}, {@code zero_input}, {@code overfit}, {@code learning_rate} or
 *     {@code batch_independence}
 * @param status {@code pass}, {@code fail} or {@code skipped}
 * @param detail the evidence, or why it was skipped
 * @param step for {@code learning_rate}: the step at which the loss diverged (-1 when it did not)
 */
public record SanityCheck(String name, String status, String detail, int step) {
    /** True unless failed. */
    public boolean passed() {
        return !status.equals("fail");
    }

    /** {@code PASS overfit: ...}. */
    public String line() {
        return status.toUpperCase(java.util.Locale.ROOT) + " " + name + ": " + detail;
    }
}
