package io.jwsgi.server;

/** Rethrows a {@code Throwable} unchanged, checked or not, as PEP 3333's {@code excInfo} rule wants. */
final class Rethrow {

    private Rethrow() {
    }

    @SuppressWarnings("unchecked")
    static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
