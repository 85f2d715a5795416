package hostile.kernels;

/** A backend class found through the context class loader. */
public final class Kernel {
    private Kernel() {
    }
}
