package io.jwsgi.middleware;

import io.jwsgi.Application;
import io.jwsgi.StartResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An application with middleware stacked around it, built from the inside out.
 *
 * <pre>{@code
 * Application app = Pipeline.of(new ChatApp())
 *         .with(Gzip::new)              // wraps ChatApp
 *         .with(ErrorPages::new)        // wraps Gzip
 *         .with(AccessLog::new);        // outermost: sees the request first, the response last
 * }</pre>
 *
 * <p>Each {@link #with} wraps everything built so far, so the last middleware added is the
 * outermost one. A pipeline is immutable: {@code with} returns a new pipeline.
 *
 * <p>To name the stack in {@code web.xml} (init-param {@code application} of {@code JwsgiServlet}),
 * extend this class with a public no-argument constructor:
 *
 * <pre>{@code
 * public final class Site extends Pipeline {
 *     public Site() {
 *         super(Pipeline.of(new ChatApp()).with(Gzip::new).with(AccessLog::new));
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #close()} closes every layer that is {@link AutoCloseable}, outermost first; the
 * servlet closes its application when it is destroyed.
 */
public class Pipeline implements Application, AutoCloseable {

    /** The application and each middleware around it, innermost first. */
    private final List<Application> layers;

    private Pipeline(List<Application> layers) {
        this.layers = layers;
    }

    /**
     * For subclasses named in {@code web.xml}: becomes a copy of a pipeline built in the constructor.
     *
     * @param built the stack this application serves
     */
    protected Pipeline(Pipeline built) {
        this(Objects.requireNonNull(built, "built pipeline").layers);
    }

    /**
     * Starts a pipeline with an application and no middleware.
     *
     * @param app the innermost application
     * @return a pipeline serving {@code app} unchanged
     */
    public static Pipeline of(Application app) {
        return new Pipeline(List.of(Objects.requireNonNull(app, "Pipeline.of needs an application, got null")));
    }

    /**
     * Wraps everything built so far in one more middleware.
     *
     * @param middleware the middleware; its result becomes the outermost layer
     * @return a new pipeline; this one is unchanged
     * @throws NullPointerException if the middleware returns {@code null}
     */
    public Pipeline with(Middleware middleware) {
        Application wrapped = middleware.wrap(outermost());
        if (wrapped == null) {
            throw new NullPointerException("middleware " + middleware + " returned null instead of an application");
        }
        List<Application> next = new ArrayList<>(layers);
        next.add(wrapped);
        return new Pipeline(Collections.unmodifiableList(next));
    }

    /**
     * Returns the layers, innermost (the application) first, outermost last.
     *
     * @return an unmodifiable list
     */
    public List<Application> layers() {
        return layers;
    }

    /** Calls the outermost layer. */
    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        return outermost().call(environ, startResponse);
    }

    /**
     * Closes each layer that is {@link AutoCloseable}, outermost first, each even if another failed.
     *
     * @throws IllegalStateException if a layer failed to close: the first failure as its cause, later ones suppressed
     */
    @Override
    public void close() {
        IllegalStateException failure = null;
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (layers.get(i) instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    if (failure == null) {
                        failure = new IllegalStateException("closing " + layers.get(i).getClass().getName() + " failed: " + e, e);
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private Application outermost() {
        return layers.get(layers.size() - 1);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Pipeline[");
        for (int i = layers.size() - 1; i >= 0; i--) {
            b.append(layers.get(i).getClass().getSimpleName()).append(i > 0 ? " > " : "]");
        }
        return b.toString();
    }
}
