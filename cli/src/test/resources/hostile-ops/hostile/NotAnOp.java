package hostile;

/** Listed in the services file, but no CustomOp. */
public final class NotAnOp {
    public String name() { return "not_an_op"; }
}
