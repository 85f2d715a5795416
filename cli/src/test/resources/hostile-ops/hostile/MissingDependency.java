package hostile;

import hostile.dep.Missing;

/** Its constructor needs a class the jar does not have (a dependency not on the class path). */
public final class MissingDependency extends SquareBase {
    private final Missing missing = new Missing();
    public String name() { return "missing_dependency" + missing.hashCode(); }
}
