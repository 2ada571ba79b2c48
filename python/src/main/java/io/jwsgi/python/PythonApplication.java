package io.jwsgi.python;

import io.jwsgi.Application;
import io.jwsgi.StartResponse;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;

/**
 * A Python WSGI application (PEP 3333), run by GraalPy, served as a JWSGI {@link Application}.
 *
 * <pre>{@code
 * Application app = new PythonApplication("hello:application", List.of(Path.of("/srv/app/python")));
 * ServletRegistration.Dynamic reg = servletContext.addServlet("py", new JwsgiServlet(app));
 * reg.setAsyncSupported(true);
 * reg.addMapping("/*");
 * }</pre>
 *
 * <p>In a WAR, {@link PythonServlet} builds it from {@code web.xml}.
 *
 * <h2>Threads</h2>
 * One GraalPy context per application, entered by whichever bridge thread runs a turn: Python's
 * GIL lets one thread run Python code at a time, and GraalPy releases it while a thread waits in
 * Java (reading {@code wsgi.input}, writing) or in {@code time.sleep}, so a Python application
 * blocked on I/O stalls no other request; CPU-bound Python code runs one request at a time, as in
 * one CPython process. Module state is shared by all requests, as in one CPython process with
 * threads: {@code wsgi.multithread} is true, {@code wsgi.multiprocess} false. A response asleep
 * ({@code async.sleep}) is a suspended Python iterator, holding no thread.
 *
 * <h2>What Python may do</h2>
 * Python code reads and writes files and starts threads as a servlet can; it reaches no Java object
 * but the request's own {@link Exchange}; it loads no native extension (GraalPy's pure-Java mode).
 */
public final class PythonApplication implements Application, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PythonApplication.class.getName());

    private final Interpreter runtime;

    /** GraalPy's objects for one application. */
    private record Interpreter(Engine engine, Context context, Value app, Value handle, Value nextChunk, Value closer) {
    }

    /**
     * Starts a GraalPy context and imports the application.
     *
     * @param spec the callable, {@code module:callable} as gunicorn names it ({@code module} alone
     *     means {@code module:application})
     * @param pythonPath directories added to {@code sys.path}
     * @throws IllegalArgumentException if the module cannot be imported or the name is not callable,
     *     with Python's message
     */
    public PythonApplication(String spec, List<Path> pythonPath) {
        runtime = onOwnThread("jwsgi-python-start", () -> start(spec, pythonPath));
        String name = runtime.engine().getImplementationName();
        if (name.contains("Interpreted") || !name.contains("Graal")) {
            LOG.log(Level.INFO, "GraalPy runs interpreted on this JVM ({0}): Python code runs without a JIT", name);
        }
    }

    private static Interpreter start(String spec, List<Path> pythonPath) {
        Engine engine = Engine.newBuilder("python")
                // Without the Graal JIT (Temurin, OpenJDK) Truffle interprets; that is known and logged once instead.
                .option("engine.WarnInterpreterOnly", "false")
                .build();
        Context context = null;
        try {
            context = Context.newBuilder("python")
                    .engine(engine)
                    .allowIO(IOAccess.ALL)
                    .allowCreateThread(true)
                    .allowHostAccess(HostAccess.newBuilder(HostAccess.NONE)
                            .allowAccessAnnotatedBy(HostAccess.Export.class)
                            .allowArrayAccess(true)
                            .build())
                    .option("python.PythonPath", pythonPath.stream().map(Path::toString)
                            .collect(Collectors.joining(File.pathSeparator)))
                    .option("python.PosixModuleBackend", "java")
                    .build();
            Value server = context.eval(glue());
            return new Interpreter(engine, context, server.getMember("load").execute(spec), server.getMember("handle"),
                    server.getMember("next_chunk"), server.getMember("close"));
        } catch (PolyglotException e) {
            if (context != null) {
                context.close(true);
            }
            engine.close();
            throw new IllegalArgumentException("python-app " + spec + " (python-path " + pythonPath + "): " + e.getMessage(), e);
        }
    }

    /**
     * Runs GraalPy's start or end on a thread of its own: Truffle leaves a thread-local on every
     * thread that enters a context, which on a container's thread would pin the web application's
     * class loader after undeploy (Tomcat reports it). The bridge's own threads end with the servlet.
     */
    private static <T> T onOwnThread(String name, Supplier<T> work) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                result.set(work.get());
            } catch (RuntimeException | Error e) {
                failure.set(e);
            }
        }, name);
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + " was interrupted while GraalPy worked", e);
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        } else if (t instanceof Error error) {
            throw error;
        }
        return result.get();
    }

    private static Source glue() {
        try (InputStream in = PythonApplication.class.getResourceAsStream("jwsgi_server.py")) {
            if (in == null) {
                throw new IllegalStateException("jwsgi_server.py is missing from the jwsgi-python jar");
            }
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                return Source.newBuilder("python", reader, "jwsgi_server.py").build();
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read jwsgi_server.py from the jwsgi-python jar", e);
        }
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
        Exchange exchange = new Exchange(environ, startResponse);
        Value result = runtime.handle().execute(runtime.app(), exchange, exchange.cgi());
        return new PythonBody(result, runtime.nextChunk(), runtime.closer());
    }

    /** The GraalPy engine's implementation name, e.g. {@code "Interpreted"} on a JVM without the Graal JIT. */
    public String implementation() {
        return runtime.engine().getImplementationName();
    }

    /** Ends the context, cancelling Python code still running, and the engine. */
    @Override
    public void close() {
        onOwnThread("jwsgi-python-close", () -> {
            try {
                runtime.context().close(true);
            } finally {
                runtime.engine().close();
            }
            return null;
        });
    }
}
