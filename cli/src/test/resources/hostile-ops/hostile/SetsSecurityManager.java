package hostile;

/** Installs a SecurityManager that denies every permission: the checking JVM's own work included. */
public final class SetsSecurityManager extends SquareBase {
    public String name() { return "sets_security_manager"; }
    @Override
    @SuppressWarnings("removal")
    public double[] forward(double[][] in) {
        System.setSecurityManager(new SecurityManager() {
            @Override
            public void checkPermission(java.security.Permission p) {
                if (!(p instanceof RuntimePermission && p.getName().equals("setSecurityManager"))) {
                    throw new SecurityException("denied: " + p);
                }
            }
        });
        return super.forward(in);
    }
}
