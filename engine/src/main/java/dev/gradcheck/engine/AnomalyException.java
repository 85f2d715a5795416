package dev.gradcheck.engine;

/** Thrown in fail-fast anomaly mode at the first {@link Anomaly}. */
public class AnomalyException extends ArithmeticException {
    private final transient Anomaly anomaly;

    public AnomalyException(Anomaly anomaly) {
        super(anomaly.describe());
        this.anomaly = anomaly;
    }

    /** What was found. */
    public Anomaly anomaly() {
        return anomaly;
    }
}
