package dev.gradcheck.internal;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.EntryResult;
import dev.gradcheck.ForwardDifferentiable;
import dev.gradcheck.Status;
import dev.gradcheck.internal.diagnosis.Diagnosis;
import dev.gradcheck.internal.diagnosis.Evidence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Checks a forward rule ({@link ForwardDifferentiable#jvp}) at one point: the JVP against the
 * numeric directional derivative of the forward along a seeded tangent, once per input (a tangent on
 * that input alone, zero on the others: results {@code jvp/<input>}) and once on every input at
 * once ({@code jvp/all}, when more than one input takes a tangent), then the adjoint identity with
 * the backward ({@link AdjointIdentity}, result {@code adjoint}).
 *
 * <p>Each output entry k is one entry of the comparison: jvp(x, v)ₖ against d/dt fₖ(x + t·v) at 0,
 * measured and judged by the {@link EntryJudge} exactly as an input entry of the backward's check
 * (same schemes, error model, kink test, low-resolution skips), its round-off on the scale of
 * max(|fₖ(x)|, the median |f(x)|). The tangent's entries are ±[0.5, 1.5) times the entry's step
 * scale (max(1, |x|)), so every input entry moves by about its own relative step. A wrong JVP is explained by the diagnoser's
 * findings, worded for the forward rule ({@link ForwardWording}). Along one input's tangent, when
 * the output has that input's size (an elementwise op: output entry k aligned with input entry k),
 * the evidence is the backward's: the point's values at each entry, the tangent in the place of
 * the gradOutput (jvpₖ = f'(xₖ)·vₖ as the backward's gₖ·f'(xₖ)), the output, and the forward
 * elsewhere; so regions, factors, a derivative in output form and the rest are named as for the
 * backward, and an op's draws can be pooled ({@link #checkKeepingEvidence}).
 */
public final class ForwardCheck {
    /** The name prefix of a per-input tangent's result. */
    public static final String PREFIX = "jvp/";
    /** The name of the all-inputs tangent's result. */
    public static final String ALL = "jvp/all";
    /** The name of the adjoint identity's result. */
    public static final String ADJOINT = AdjointIdentity.NAME;

    private final ForwardDifferentiable f;
    private final double[][] x;
    private final int[][] shapes;
    private final String[] names;
    private final boolean[] tangents;
    private final int[] outShape;
    private final CheckOptions o;
    /** Each per-input tangent's evidence, by result name, when kept. */
    private final Map<String, Evidence> evidence;

    /**
     * The results, and each per-input tangent's evidence by result name (with the point's values,
     * the tangent and the output only where aligned: see the class comment).
     */
    public record Checked(List<CheckResult> results, Map<String, Evidence> evidence) {
    }

    private ForwardCheck(ForwardDifferentiable f, double[][] x, int[][] shapes, String[] names, boolean[] tangents,
            int[] outShape, CheckOptions o) {
        this.f = f;
        this.x = x;
        this.shapes = shapes;
        this.names = names;
        this.tangents = tangents;
        this.outShape = outShape;
        this.o = o;
        this.evidence = new LinkedHashMap<>();
    }

    /**
     * The forward rule's results at {@code x}: {@code jvp/<name>} per input that takes a tangent,
     * {@code jvp/all}, then {@code adjoint}.
     *
     * @param x the point, one flat array per input (read, never written)
     * @param tangents per input, whether it takes a tangent (false for integer inputs, constants)
     * @param outShape the output's shape, or null (then it is 1-d)
     */
    public static List<CheckResult> check(ForwardDifferentiable f, double[][] x, int[][] shapes, String[] names,
            boolean[] tangents, int[] outShape, CheckOptions o) {
        return new ForwardCheck(f, x, shapes, names, tangents, outShape, o).run();
    }

    /**
     * As {@link #check}, keeping the evidence of every per-input tangent, passing or not, for a
     * diagnosis over several points (an op's draws).
     */
    public static Checked checkKeepingEvidence(ForwardDifferentiable f, double[][] x, int[][] shapes, String[] names,
            boolean[] tangents, int[] outShape, CheckOptions o) {
        ForwardCheck c = new ForwardCheck(f, x, shapes, names, tangents, outShape, o);
        List<CheckResult> results = c.run();
        return new Checked(results, Map.copyOf(c.evidence));
    }

    private List<CheckResult> run() {
        List<Integer> moving = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (tangents[i] && x[i].length > 0) {
                moving.add(i);
            }
        }
        List<String> labels = new ArrayList<>();
        for (int i : moving) {
            labels.add(PREFIX + names[i]);
        }
        if (moving.size() > 1) {
            labels.add(ALL);
        }
        labels.add(AdjointIdentity.NAME);
        double[] y;
        try {
            y = f.forward(MutationGuard.copy(x));
        } catch (Throwable e) {
            UserCodeException.rethrowIfJvmFailure(e);
            return allError(labels, UserCodeException.describe("forward", e), e);
        }
        if (y == null) {
            return allError(labels, "forward returned null", null);
        }
        for (int k = 0; k < y.length; k++) {
            if (!Double.isFinite(y[k])) {
                return allError(labels, "forward returned " + y[k] + " at output entry " + k
                        + ": the point is outside the function's domain", null);
            }
        }
        int[] shape = outShape != null && Indexing.size(outShape) == y.length ? outShape : new int[] {y.length};
        List<CheckResult> out = new ArrayList<>();
        boolean jvpWorks = true;
        for (int i : moving) {
            CheckResult r = tangent(PREFIX + names[i], draw(List.of(i), "tangent/" + names[i]), y, shape, i);
            jvpWorks &= r.status() != Status.ERROR;
            out.add(r);
        }
        if (moving.size() > 1) {
            CheckResult r = tangent(ALL, draw(moving, "tangent/all"), y, shape, -1);
            jvpWorks &= r.status() != Status.ERROR;
            out.add(r);
        }
        AdjointIdentity adjoint = new AdjointIdentity(f, x, names, tangents, y, o);
        out.add(jvpWorks ? adjoint.check(template(AdjointIdentity.NAME))
                : template(AdjointIdentity.NAME).status(Status.SKIPPED)
                        .error("not checked: the forward rule (jvp) failed to run", null).build());
        return out;
    }

    /**
     * A seeded tangent on the given inputs, zeros elsewhere: each entry a random sign times a size
     * uniform in [0.5, 1.5) times the entry's step scale, so every entry moves by about the step the
     * backward's check moves it by (a near-zero component would leave its outputs' finite
     * differences to the forward's rounding alone).
     */
    private double[][] draw(List<Integer> on, String stream) {
        SplittableRandom rng = new SplittableRandom(Seeds.of(o.seed(), stream, 0));
        double[][] v = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            v[i] = new double[x[i].length];
            if (on.contains(i)) {
                for (int j = 0; j < v[i].length; j++) {
                    double size = 0.5 + rng.nextDouble();
                    v[i][j] = o.precision().round((rng.nextBoolean() ? size : -size) * o.stepScale(x[i][j]));
                }
            }
        }
        return v;
    }

    /**
     * The JVP along tangent v against the numeric directional derivative, entry by entry of the output.
     *
     * @param input the input the tangent moves alone, or -1 for every input at once
     */
    private CheckResult tangent(String name, double[][] v, double[] y, int[] shape, int input) {
        CheckResult.Builder b = template(name).shape(shape);
        double[][] xc = MutationGuard.copy(x);
        double[][] vc = MutationGuard.copy(v);
        double[] jv;
        try {
            jv = f.jvp(xc, vc);
        } catch (Throwable e) {
            UserCodeException.rethrowIfJvmFailure(e);
            return b.status(Status.ERROR).error(UserCodeException.describe("jvp", e), e).build();
        }
        String size = sizeProblem(jv, y.length, shape);
        if (size != null) {
            return b.status(Status.ERROR).error(size, null).build();
        }
        String writes = writes(xc, vc, v);
        double gradMax = 0;
        for (double a : jv) {
            if (Double.isFinite(a)) {
                gradMax = Math.max(gradMax, Math.abs(a));
            }
        }
        TangentPath path = new TangentPath(f, x, v, y, o.precision());
        EntryJudge judge = new EntryJudge(o);
        List<EntryResult> entries = new ArrayList<>(y.length);
        double typical = typicalSize(y);
        try {
            for (int k = 0; k < y.length && !o.monitor().stopRequested(); k++) {
                // an output near 0 may be computed from intermediates of the outputs' typical size
                // (log_softmax's largest entry, -log(1 + 1e-14), is frozen at steps that move the
                // others): its round-off is at least theirs, as φ's is in the backward's check
                FiniteDifference fd = new FiniteDifference(o.precision().unitRoundoff(),
                        Math.max(Math.abs(y[k]), typical));
                entries.add(judge.judgeLine(path.entry(k), fd, 0, jv[k], 1, gradMax, Indexing.unravel(k, shape)));
            }
        } catch (UserCodeException e) {
            return b.status(Status.ERROR).error(e.getMessage(), e.getCause()).build();
        }
        EntryTally tally = new EntryTally(entries, shape);
        Status status = tally.status();
        b.resolution(tally.relativeResolution(), tally.absoluteResolution()).entriesSkipped(tally.skipped());
        Diagnosis diagnosis = null;
        Evidence known = input >= 0 && x[input].length == y.length ? aligned(input, v, y, entries)
                : Evidence.of(shape, entries, scope(entries, y.length)).build();
        if (input >= 0) {
            evidence.put(name, known);
        }
        if (writes != null) {
            status = Status.FAIL;
            diagnosis = Diagnosis.of(ForwardWording.KIND, "the forward rule (jvp) writes to its " + writes
                    + " argument: a caller's point or tangent would change");
        } else if (status == Status.FAIL) {
            diagnosis = ForwardWording.tangent(Diagnoser.diagnose(known), input < 0 ? null : names[input]);
        } else if (tally.skipped() > 0) {
            b.error(InputVerdict.skipReason(tally.skipped(), tally.unresolved(), entries.size(), status), null);
            status = Status.SKIPPED;
        } else if (status == Status.KINK) {
            diagnosis = new Diagnosis(InputVerdict.kinkReason(tally.kinks().size(), false), List.of());
        }
        return b.status(status).entriesChecked(entries.size() - tally.skipped()).maxAbsError(tally.maxAbsError())
                .maxRelError(tally.maxRelError()).worst(WorstEntries.first(entries, o.worst()))
                .diagnosis(diagnosis == null ? null : diagnosis.text())
                .findings(diagnosis == null ? List.of() : diagnosis.kinds()).build();
    }

    /**
     * The evidence of input {@code i}'s tangent when its output entries are aligned with its entries:
     * the entries indexed in the input's shape, the point's values at them, the tangent as the
     * gradOutput and the output beside them, and the forward with input i replaced.
     */
    private Evidence aligned(int i, double[][] v, double[] y, List<EntryResult> entries) {
        List<EntryResult> reindexed = new ArrayList<>(entries.size());
        for (int k = 0; k < entries.size(); k++) {
            EntryResult e = entries.get(k);
            reindexed.add(new EntryResult(Indexing.unravel(k, shapes[i]), e.analytic(), e.numeric(), e.tolerance(),
                    e.errorEstimate(), e.status()).withFloor(e.floor()));
        }
        return Evidence.of(shapes[i], reindexed, scope(entries, y.length)).point(i, names, shapes, x)
                .output(v[i], y).forward(values -> {
                    double[][] work = MutationGuard.copy(x); // the function may write to its arguments
                    work[i] = values.clone();
                    try {
                        return f.forward(work);
                    } catch (Throwable e) {
                        UserCodeException.rethrowIfJvmFailure(e);
                        return null;
                    }
                }).build();
    }

    /** Every output entry judged, or a monitor stopped the sweep early: then a sample. */
    private static Evidence.Scope scope(List<EntryResult> entries, int outputs) {
        return entries.size() == outputs ? Evidence.Scope.FULL : Evidence.Scope.SAMPLED;
    }

    /** The median |y| over the output entries: the typical size of what the forward computes. */
    static double typicalSize(double[] y) {
        double[] a = new double[y.length];
        for (int k = 0; k < a.length; k++) {
            a[k] = Math.abs(y[k]);
        }
        Arrays.sort(a);
        return a.length == 0 ? 0 : a[(a.length - 1) / 2];
    }

    /** Null when jvp returned one value per output entry, else the problem in words. */
    static String sizeProblem(double[] jv, int outputs, int[] shape) {
        if (jv == null) {
            return "jvp returned null";
        }
        if (jv.length != outputs) {
            return "jvp returned " + jv.length + " values for an output of shape " + Indexing.format(shape) + " ("
                    + outputs + " values)";
        }
        return null;
    }

    /** Which argument jvp wrote to ("inputs", "tangents"), or null. */
    private String writes(double[][] xc, double[][] vc, double[][] v) {
        for (int i = 0; i < x.length; i++) {
            if (!Arrays.equals(xc[i], x[i])) {
                return "inputs (input '" + names[i] + "')";
            }
            if (!Arrays.equals(vc[i], v[i])) {
                return "tangents (the tangent of input '" + names[i] + "')";
            }
        }
        return null;
    }

    private CheckResult.Builder template(String name) {
        String hint = o.reproduce() != null ? o.reproduce()
                : "GradCheck.of(f).at(x).forwardMode().seed({seed}).check() // '{name}'";
        return CheckResult.builder(name).seed(o.seed()).mode(o.mode()).scheme(o.scheme()).tolerance(o.tolerance())
                .reproduce(hint.replace("{name}", name).replace("{seed}", Long.toString(o.seed())));
    }

    private List<CheckResult> allError(List<String> labels, String message, Throwable cause) {
        List<CheckResult> out = new ArrayList<>();
        for (String l : labels) {
            out.add(template(l).status(Status.ERROR).error(message, cause).build());
        }
        return out;
    }
}
