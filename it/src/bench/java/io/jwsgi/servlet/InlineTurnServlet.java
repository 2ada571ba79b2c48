package io.jwsgi.servlet;

import io.jwsgi.Application;
import io.jwsgi.server.Engine;
import io.jwsgi.server.Pump;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A benchmark experiment, not a product: {@link JwsgiServlet}'s path for a GET (same environ, same
 * {@link ServletChannel}, same {@link Pump}) except that a turn asked for by the container's
 * {@code onWritePossible} runs right there on the container's thread instead of hopping to the
 * engine's pool. Other turns (wakes, yields) still go to a pool. It measures what the hop costs;
 * it is only safe for applications that never block, which is why the bridge does not do it.
 */
public final class InlineTurnServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final ThreadLocal<Boolean> ON_CONTAINER_CALLBACK = new ThreadLocal<>();

    private final transient Application application;
    private transient ExecutorService pool;
    private transient Engine engine;

    /**
     * @param application what to serve
     */
    public InlineTurnServlet(Application application) {
        this.application = application;
    }

    @Override
    public void init() {
        pool = Executors.newFixedThreadPool(4);
        engine = Engine.builder().name("inline").executor(task -> {
            if (ON_CONTAINER_CALLBACK.get() != null) {
                ON_CONTAINER_CALLBACK.remove();
                task.run();
            } else {
                pool.execute(task);
            }
        }).build();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        ServletChannel channel = new ServletChannel(async, request, response);
        Map<String, Object> environ = ServletEnviron.of(request, getServletContext(), request.getInputStream(), -1);
        Pump pump = engine.open(application, environ, channel, request.getMethod() + " " + request.getRequestURI());
        channel.bind(pump);
        async.addListener(channel);
        ServletOutputStream out = response.getOutputStream();
        out.setWriteListener(new WriteListener() {
            @Override
            public void onWritePossible() {
                ON_CONTAINER_CALLBACK.set(Boolean.TRUE);
                try {
                    channel.onWritePossible();
                } finally {
                    ON_CONTAINER_CALLBACK.remove();
                }
            }

            @Override
            public void onError(Throwable t) {
                channel.onError(t);
            }
        });
    }

    @Override
    public void destroy() {
        engine.shutdown(Duration.ofSeconds(1));
        pool.shutdownNow();
    }
}
