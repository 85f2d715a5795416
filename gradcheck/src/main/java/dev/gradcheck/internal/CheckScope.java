package dev.gradcheck.internal;

/**
 * Which ops are being checked on this thread, and which stage of user code (forward, backward, …)
 * the thread is in, so that an op whose own code starts a check of itself is caught at once: such
 * a check calls that code again, which starts another, without end (each level running the whole
 * check, the cost grows exponentially). The checker's worker threads carry the scope of the thread
 * that started them ({@link Parallel}), so a forward run on a worker is caught too.
 *
 * <p>An op is known by its identity and its name (a wrapper and the op it wraps share the name).
 * Checks of other ops from inside an op's code (a nested check of a helper) are allowed.
 */
public final class CheckScope {
    private static final ThreadLocal<Frame> CURRENT = new ThreadLocal<>();
    private static final ThreadLocal<String> STAGE = new ThreadLocal<>();

    private CheckScope() {
    }

    /** One check under way: the op, its name, the check it runs inside (or null), and a re-entry seen. */
    public static final class Frame {
        private final Object op;
        private final String name;
        private final Frame outer;
        private volatile String reentered;

        private Frame(Object op, String name, Frame outer) {
            this.op = op;
            this.name = name;
            this.outer = outer;
        }

        /** The stage of the op's code that started a check of the op again ("backward", …), or null. */
        public String reentered() {
            return reentered;
        }

        private boolean sameOp(Object other, String otherName) {
            // the same object, or the same name: a fresh instance, or the op behind a wrapper (a
            // proxy, a GuardedOp) whose code checks itself
            return op == other || name != null && name.equals(otherName);
        }
    }

    /**
     * Starts the check of {@code op} (named {@code name}) on this thread: its frame, to be passed to
     * {@link #exit}; or null when a check of the same op is already under way here, which is then
     * marked as re-entered ({@link Frame#reentered()}) by the stage this thread is in.
     */
    public static Frame enter(Object op, String name) {
        Frame current = CURRENT.get();
        for (Frame f = current; f != null; f = f.outer) {
            if (f.sameOp(op, name)) {
                String stage = STAGE.get();
                if (f.reentered == null) {
                    f.reentered = stage != null ? stage : "the op's code";
                }
                return null;
            }
        }
        Frame frame = new Frame(op, name, current);
        CURRENT.set(frame);
        return frame;
    }

    /** Ends the check {@link #enter} started. */
    public static void exit(Frame frame) {
        CURRENT.set(frame.outer);
    }

    /** The innermost check under way on this thread, or null (for {@link #adopt} on a worker). */
    static Frame current() {
        return CURRENT.get();
    }

    /** Makes {@code frame} this thread's checks under way (a worker of the thread that had it); null for none. */
    static void adopt(Frame frame) {
        if (frame == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(frame);
        }
    }

    /** Marks this thread as inside {@code stage} of an op's code; returns the stage it was in, for {@link #leave}. */
    public static String enterStage(String stage) {
        String outer = STAGE.get();
        STAGE.set(stage);
        return outer;
    }

    /** Restores the stage {@link #enterStage} returned. */
    public static void leave(String outer) {
        if (outer == null) {
            STAGE.remove();
        } else {
            STAGE.set(outer);
        }
    }
}
