package io.jwsgi.servlet;

import jakarta.servlet.ServletOutputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.ref.WeakReference;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.ByteBuffer;

/**
 * Servlet 6.1's {@code ServletOutputStream.write(ByteBuffer)}, found once when this class is
 * initialised: the bridge compiles against Servlet 6.0, which lacks it, and runs on containers
 * with either. Where the container's API has the method and its stream overrides it (Tomcat 11,
 * Jetty 12 ee11), a file region's mapped slice goes to the container as it is; elsewhere
 * (Servlet 6.0: Tomcat 10.1, Jetty ee10; or a stream left with the API's copying default) the
 * {@link ServletChannel} copies it into an array, as for any chunk.
 */
final class BufferWrites {

    /** The method handle, {@code (ServletOutputStream, ByteBuffer) -> void}, or {@code null} before Servlet 6.1. */
    private static final MethodHandle WRITE = find();

    /** Whether the container's Servlet API has {@code write(ByteBuffer)}. */
    static final boolean AVAILABLE = WRITE != null;

    /**
     * The stream class last asked about, and whether it overrides the method: one class per
     * container in practice. Held weakly: a filter's stream class must not keep its application loaded.
     */
    private record Known(WeakReference<Class<?>> type, boolean overrides) {
    }

    private static volatile Known known = new Known(new WeakReference<>(null), false);

    private BufferWrites() {
    }

    private static MethodHandle find() {
        try {
            return MethodHandles.publicLookup().findVirtual(ServletOutputStream.class, "write",
                    MethodType.methodType(void.class, ByteBuffer.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }

    /**
     * Whether {@code out} takes buffers: the method exists and the container's stream class
     * implements it (the API's default would only copy into an array, and ask {@code isReady()} again).
     */
    static boolean takenBy(ServletOutputStream out) {
        if (WRITE == null) {
            return false;
        }
        Class<?> type = out.getClass();
        Known last = known;
        if (last.type().get() != type) {
            last = new Known(new WeakReference<>(type), overrides(type));
            known = last;
        }
        return last.overrides();
    }

    private static boolean overrides(Class<?> type) {
        try {
            return type.getMethod("write", ByteBuffer.class).getDeclaringClass() != ServletOutputStream.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** Calls {@code out.write(buffer)}; only where {@link #takenBy} said yes. */
    static void write(ServletOutputStream out, ByteBuffer buffer) throws IOException {
        try {
            WRITE.invokeExact(out, buffer);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new UndeclaredThrowableException(t, "ServletOutputStream.write(ByteBuffer) threw " + t);
        }
    }
}
