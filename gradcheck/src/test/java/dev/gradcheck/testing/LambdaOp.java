package dev.gradcheck.testing;

import dev.gradcheck.CustomOp;
import dev.gradcheck.DifferentiableFunction;
import dev.gradcheck.Domain;
import java.util.Arrays;
import java.util.Objects;

/**
 * Test fixture: a {@link CustomOp} from lambdas, made with a small builder:
 *
 * <pre>{@code
 * CustomOp sin = LambdaOp.named("sin").shape(4, 8)
 *         .forward(Elementwise.forward(Math::sin)).backward(Elementwise.backward(Math::cos)).build();
 * }</pre>
 *
 * <p>The name is the op's {@link #name()} and its {@link #toString()}. Mind that the checker seeds
 * its draws from the name: an op renamed is checked at other inputs. The lambdas are called as
 * given; the shapes and domains are those given to the builder (undeclared domains by default).
 * An op that does more (records its calls, adds a forward rule) extends this class through the
 * protected constructor.
 */
public class LambdaOp extends LambdaFunction implements CustomOp {
    private final String name;
    private final int[][] shapes;
    private final Domain[] domains;

    /** The op the builder describes; for subclasses (others call {@link Builder#build()}). */
    protected LambdaOp(Builder b) {
        super(b.checked().forward, b.backward);
        this.name = b.name;
        this.shapes = b.shapes;
        this.domains = b.domainPerInput();
    }

    /** A builder of the op {@code name}: give its shapes, forward and backward, then {@link Builder#build()}. */
    public static Builder named(String name) {
        return new Builder(name);
    }

    @Override
    public String name() {
        return name;
    }

    /** The shapes given to the builder, copied on each call. */
    @Override
    public int[][] inputShapes() {
        return copy(shapes);
    }

    @Override
    public Domain domain(int input) {
        return domains[input];
    }

    /** The op's name. */
    @Override
    public String toString() {
        return name;
    }

    private static int[][] copy(int[][] shapes) {
        return Arrays.stream(shapes).map(int[]::clone).toArray(int[][]::new);
    }

    /** Collects a {@link LambdaOp}'s parts; shapes, forward and backward are required. */
    public static final class Builder {
        private final String name;
        private int[][] shapes;
        private Domain everyInput = Domain.undeclared();
        private Domain[] perInput;
        private LambdaFunction.Forward forward;
        private LambdaFunction.Backward backward;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** One input, of this shape. */
        public Builder shape(int... shape) {
            return shapes(shape);
        }

        /** The inputs' shapes, one per input. */
        public Builder shapes(int[]... inputShapes) {
            shapes = copy(inputShapes);
            return this;
        }

        /** The same domain for every input. */
        public Builder domain(Domain domain) {
            everyInput = Objects.requireNonNull(domain, "domain");
            perInput = null;
            return this;
        }

        /** A domain per input, in input order. */
        public Builder domains(Domain... domains) {
            perInput = domains.clone();
            return this;
        }

        /** The forward, on the flat inputs. */
        public Builder forward(LambdaFunction.Forward f) {
            forward = f;
            return this;
        }

        /** The backward, on the flat inputs and the gradOutput. */
        public Builder backward(LambdaFunction.Backward b) {
            backward = b;
            return this;
        }

        /** The forward and backward of {@code f}. */
        public Builder function(DifferentiableFunction f) {
            return forward(f::forward).backward(f::backward);
        }

        /**
         * The op.
         *
         * @throws IllegalStateException naming the op when its shapes, forward or backward are
         *     missing, or its domains are not one per input
         */
        public LambdaOp build() {
            return new LambdaOp(this);
        }

        private Builder checked() {
            String missing = shapes == null ? "shapes" : forward == null ? "forward"
                    : backward == null ? "backward" : null;
            if (missing != null) {
                throw new IllegalStateException("op '" + name + "': no " + missing + " given");
            }
            if (perInput != null && perInput.length != shapes.length) {
                throw new IllegalStateException("op '" + name + "': " + perInput.length + " domains for "
                        + shapes.length + " inputs");
            }
            return this;
        }

        private Domain[] domainPerInput() {
            if (perInput != null) {
                return perInput.clone();
            }
            Domain[] all = new Domain[shapes.length];
            Arrays.fill(all, everyInput);
            return all;
        }
    }
}
