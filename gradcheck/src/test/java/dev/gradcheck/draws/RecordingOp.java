package dev.gradcheck.draws;

import dev.gradcheck.Domain;
import dev.gradcheck.testing.Elementwise;
import dev.gradcheck.testing.LambdaOp;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * A correct elementwise op (y = f(x), dy = f'(x)) over one input of {@code n} entries, with a
 * declared or undeclared domain, recording every point its forward is first called at per check
 * (the draws), for tests of the draws.
 */
final class RecordingOp extends LambdaOp {
    final List<double[]> forwardPoints = new ArrayList<>();

    RecordingOp(String name, int n, DoubleUnaryOperator f, DoubleUnaryOperator df, Domain domain) {
        super(LambdaOp.named(name).shape(n).domain(domain).forward(Elementwise.forward(f))
                .backward(Elementwise.backward(df)));
    }

    @Override
    public synchronized double[] forward(double[][] in) {
        forwardPoints.add(in[0].clone());
        return super.forward(in);
    }
}
