package dev.gradcheck;

/**
 * An op's result once its check is over, given what its code did besides computing: started a check
 * of the op itself (re-entered the checker), or set the interrupt flag of the thread calling it
 * ({@link WatchedOp}). Either makes the result an {@code error} naming the op and the stage, as
 * {@code gradcheck ops --jar} reports an interrupt; the per-input results are dropped, since they
 * came from code that did something gradcheck cannot vouch for.
 */
final class UserCodeVerdict {
    private UserCodeVerdict() {
    }

    /**
     * @param reentered the stage whose code started a check of the op again (e.g. "backward"), or null
     * @param interruptedIn the first stage that set the interrupt flag of its thread, or null
     */
    static CheckResult of(CheckResult r, String name, String reentered, String interruptedIn) {
        String why;
        if (reentered != null) {
            why = reentered + " re-enters the checker: the code of op '" + name + "' calls CustomOpCheck on the op"
                    + " while it is being checked (that nested check would call the same code again, and so on"
                    + " without end; check the op from outside its own code)";
        } else if (interruptedIn != null) {
            why = interruptedIn + " of op '" + name + "' set the interrupt flag of the thread calling it"
                    + " (Thread.interrupt); gradcheck cannot trust a check of an op that does (the flag was cleared)";
        } else {
            return r;
        }
        return CheckResult.builder(r.name()).seed(r.seed()).mode(r.mode()).scheme(r.scheme()).tolerance(r.tolerance())
                .reproduce(r.reproduce()).status(Status.ERROR).error(why, null).build();
    }
}
