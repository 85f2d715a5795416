package hostile;

import java.io.IOException;
import java.io.InputStream;

/**
 * Correct, but finds its kernel through the thread's context class loader, on whatever thread
 * calls it (a tensor library looking up its backend does this): a resource and a class of the
 * jar that ships them, which may be another jar of the class path.
 */
public final class ContextLoaderKernels extends SquareBase {
    public String name() { return "context_loader_kernels"; }
    @Override public double[] forward(double[][] in) {
        kernel();
        return super.forward(in);
    }
    @Override public double[][] backward(double[][] in, double[] g) {
        kernel();
        return super.backward(in, g);
    }
    private static void kernel() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        try (InputStream in = context.getResourceAsStream("hostile/kernels/square.kernel")) {
            if (in == null) {
                throw new IllegalStateException("no kernel for thread " + Thread.currentThread().getName());
            }
            Class.forName("hostile.kernels.Kernel", true, context);
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("kernel lookup failed on " + Thread.currentThread().getName() + ": " + e);
        }
    }
}
