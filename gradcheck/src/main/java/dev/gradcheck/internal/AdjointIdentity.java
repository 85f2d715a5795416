package dev.gradcheck.internal;

import dev.gradcheck.CheckOptions;
import dev.gradcheck.CheckResult;
import dev.gradcheck.EntryResult;
import dev.gradcheck.ForwardDifferentiable;
import dev.gradcheck.Status;
import dev.gradcheck.Tolerance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The adjoint identity between a function's forward rule and its backward: for a seeded random
 * gradOutput u and tangent v (standard normal), ⟨u, J·v⟩ computed from {@code jvp(x, v)} equals
 * ⟨Jᵀ·u, v⟩ computed from {@code backward(x, u)}. Both are the same double sum Σₖⱼ uₖ·Jₖⱼ·vⱼ
 * taken in different orders, so they may differ only by rounding.
 *
 * <p>Tolerance: with n = (output entries + input entries), ε the precision's unit roundoff and
 * S = Σₖ|uₖ·(J·v)ₖ| + Σⱼ|(Jᵀ·u)ⱼ·vⱼ| (the sizes of the terms both sums add), the rounding of the two
 * sums is at most about n·ε·S; the identity holds when |⟨u, J·v⟩ − ⟨Jᵀ·u, v⟩| ≤ safety·n·ε·S + atol
 * with the error-model tolerance's safety factor (10) and absolute floor (1e-12), or, with a
 * PyTorch-style tolerance, atol + rtol·|⟨Jᵀ·u, v⟩| (its own looseness). No relative floor: two rules
 * that agree to 1e-8 but not to rounding disagree, whatever each one's numeric check said.
 *
 * <p>When the identity fails, ⟨u, J·v⟩ is also measured by finite differences of ⟨u, f(x + t·v)⟩
 * and the result says which rule agrees with the numbers; both values, and the numeric one, are in
 * the report side by side (the entry's {@code analytic} is the jvp side, {@code numeric} the
 * backward side, {@code at.numeric} the finite-difference value).
 */
final class AdjointIdentity {
    /** The result's name. */
    static final String NAME = "adjoint";

    private final ForwardDifferentiable f;
    private final double[][] x;
    private final String[] names;
    private final boolean[] tangents;
    private final double[] y;
    private final CheckOptions o;

    AdjointIdentity(ForwardDifferentiable f, double[][] x, String[] names, boolean[] tangents, double[] y,
            CheckOptions o) {
        this.f = f;
        this.x = x;
        this.names = names;
        this.tangents = tangents;
        this.y = y;
        this.o = o;
    }

    /** The identity's result, built on {@code b}. */
    CheckResult check(CheckResult.Builder b) {
        SplittableRandom rng = new SplittableRandom(Seeds.of(o.seed(), "adjoint", 0));
        double[] u = new double[y.length];
        for (int k = 0; k < u.length; k++) {
            u[k] = o.precision().round(rng.nextGaussian());
        }
        double[][] v = new double[x.length][];
        int n = y.length;
        for (int i = 0; i < x.length; i++) {
            v[i] = new double[x[i].length];
            if (tangents[i]) {
                n += v[i].length;
                for (int j = 0; j < v[i].length; j++) {
                    v[i][j] = o.precision().round(rng.nextGaussian());
                }
            }
        }
        double[] jv;
        double[][] g;
        try {
            jv = f.jvp(MutationGuard.copy(x), MutationGuard.copy(v));
        } catch (Throwable e) {
            UserCodeException.rethrowIfJvmFailure(e);
            return b.status(Status.ERROR).error(UserCodeException.describe("jvp", e), e).build();
        }
        String size = ForwardCheck.sizeProblem(jv, y.length, new int[] {y.length});
        if (size != null) {
            return b.status(Status.ERROR).error(size, null).build();
        }
        try {
            g = f.backward(MutationGuard.copy(x), u.clone());
        } catch (Throwable e) {
            UserCodeException.rethrowIfJvmFailure(e);
            return b.status(Status.SKIPPED).error("not checked: " + UserCodeException.describe("backward", e), null)
                    .build();
        }
        if (g == null || g.length != x.length) {
            return b.status(Status.SKIPPED).error("not checked: backward returned "
                    + (g == null ? "null" : g.length + " gradients") + " for " + x.length + " inputs", null).build();
        }
        double forward = 0;
        double scale = 0;
        for (int k = 0; k < y.length; k++) {
            forward += u[k] * jv[k];
            scale += Math.abs(u[k] * jv[k]);
        }
        double backward = 0;
        for (int i = 0; i < x.length; i++) {
            if (!tangents[i]) {
                continue;
            }
            if (g[i] == null || g[i].length != x[i].length) {
                return b.status(Status.SKIPPED).error("not checked: backward's gradient for input '" + names[i]
                        + "' has the wrong size", null).build();
            }
            for (int j = 0; j < g[i].length; j++) {
                backward += g[i][j] * v[i][j];
                scale += Math.abs(g[i][j] * v[i][j]);
            }
        }
        double rounding = n * o.precision().unitRoundoff() * scale;
        Tolerance tol = o.tolerance();
        double allowed = tol.kind() == Tolerance.Kind.MODEL ? tol.safety() * rounding + tol.atol()
                : tol.allowed(backward, rounding);
        double diff = Math.abs(forward - backward);
        boolean holds = diff <= allowed;
        b.entriesChecked(1).maxAbsError(diff).maxRelError(diff / Math.max(Math.abs(backward), Double.MIN_NORMAL));
        EntryResult entry = new EntryResult(new int[0], forward, backward, allowed, rounding,
                holds ? Status.PASS : Status.FAIL);
        if (holds) {
            return b.status(Status.PASS).worst(List.of(entry)).build();
        }
        // which side do the numbers agree with?
        TangentPath path = new TangentPath(f, x, v, y, o.precision());
        double phiScale = 0;
        for (int k = 0; k < y.length; k++) {
            phiScale += Math.abs(u[k] * y[k]);
        }
        FiniteDifference fd = new FiniteDifference(o.precision().unitRoundoff(), phiScale);
        EntryJudge judge = new EntryJudge(o);
        double gradMax = Math.max(Math.abs(forward), Math.abs(backward));
        EntryResult byJvp;
        EntryResult byBackward;
        try {
            byJvp = judge.judgeLine(path.projected(u), fd, 0, forward, 1, gradMax, new int[0]);
            byBackward = judge.judgeLine(path.projected(u), fd, 0, backward, 1, gradMax, new int[0]);
        } catch (UserCodeException e) {
            byJvp = null;
            byBackward = null;
        }
        Map<String, Double> at = new LinkedHashMap<>();
        if (byJvp != null) {
            at.put("numeric", byJvp.numeric());
        }
        String text = String.format(Locale.ROOT, "the adjoint identity fails: ⟨u, J·v⟩ = %.10g by the forward rule"
                + " (jvp), ⟨Jᵀ·u, v⟩ = %.10g by backward; they differ by %.3g, more than the rounding of both sums"
                + " allows (%.3g)", forward, backward, diff, allowed);
        List<String> kinds;
        if (byJvp == null) {
            kinds = List.of(ForwardWording.ADJOINT);
        } else {
            boolean jvpAgrees = byJvp.status() == Status.PASS;
            boolean backwardAgrees = byBackward.status() == Status.PASS;
            String numeric = String.format(Locale.ROOT, "; the numeric ⟨u, J·v⟩ = %.10g (±%.2g)", byJvp.numeric(),
                    byJvp.errorEstimate());
            boolean kink = byJvp.status() == Status.KINK || byBackward.status() == Status.KINK;
            if (kink) {
                text += numeric + ": the point is at a kink, where the two rules take different one-sided derivatives"
                        + " (they should agree on one choice)";
                kinds = List.of(ForwardWording.ADJOINT, "kink");
            } else if (jvpAgrees && !backwardAgrees) {
                text += numeric + " agrees with the forward rule: backward is wrong";
                kinds = List.of(ForwardWording.ADJOINT, "backward_rule");
            } else if (backwardAgrees && !jvpAgrees) {
                text += numeric + " agrees with backward: the forward rule (jvp) is wrong";
                kinds = List.of(ForwardWording.ADJOINT, ForwardWording.KIND);
            } else if (jvpAgrees) {
                text += numeric + " agrees with both within its own error: the rules differ by less than finite"
                        + " differences resolve, yet more than rounding (e.g. a constant rounded to float in one)";
                kinds = List.of(ForwardWording.ADJOINT);
            } else {
                text += numeric + " agrees with neither: both rules are wrong";
                kinds = List.of(ForwardWording.ADJOINT, ForwardWording.KIND, "backward_rule");
            }
        }
        return b.status(Status.FAIL).worst(List.of(entry.withAt(at))).diagnosis(text).findings(kinds).build();
    }
}
