package dev.gradcheck.testing;

/** Throws any exception from code that declares none, as Kotlin, or Java with Lombok's {@code @SneakyThrows}, can. */
public final class Sneaky {
    private Sneaky() {
    }

    /** Throws {@code t}, checked or not; declared to return R so that it can stand where a value is returned. */
    @SuppressWarnings("unchecked")
    public static <T extends Throwable, R> R sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }
}
