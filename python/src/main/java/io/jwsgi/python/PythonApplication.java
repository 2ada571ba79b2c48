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

    private final Engine engine;
    private final Context context;
    private final Value app;
    private final Value handle;
    private final Value nextChunk;
    private final Value closer;

    /**
     * Starts a GraalPy context and imports the application.
     *
     * @param spec the callable, {@code module:callable} as gunicorn names it ({@code module} alone
     *     means {@code module:application})
     * @param pythonPath directories put in front of {@code sys.path}
     * @throws IllegalArgumentException if the module cannot be imported or the name is not callable,
     *     with Python's message
     */
    public PythonApplication(String spec, List<Path> pythonPath) {
        engine = Engine.newBuilder("python")
                // Without the Graal JIT (Temurin, OpenJDK) Truffle interprets; that is known and logged once below.
                .option("engine.WarnInterpreterOnly", "false")
                .build();
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
        try {
            Value server = context.eval(glue());
            handle = server.getMember("handle");
            nextChunk = server.getMember("next_chunk");
            closer = server.getMember("close");
            app = server.getMember("load").execute(spec);
        } catch (PolyglotException e) {
            context.close(true);
            engine.close();
            throw new IllegalArgumentException("python-app " + spec + " (python-path " + pythonPath + "): " + e.getMessage(), e);
        }
        if (engine.getImplementationName().contains("Interpreted") || !engine.getImplementationName().contains("Graal")) {
            LOG.log(Level.INFO, "GraalPy runs interpreted on this JVM ({0}): Python code runs without a JIT",
                    engine.getImplementationName());
        }
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
        Value result = handle.execute(app, exchange, exchange.cgi());
        return new PythonBody(result, nextChunk, closer);
    }

    /** The GraalPy engine's implementation name, e.g. {@code "Interpreted"} on a JVM without the Graal JIT. */
    public String implementation() {
        return engine.getImplementationName();
    }

    /** Ends the context, cancelling Python code still running, and the engine. */
    @Override
    public void close() {
        try {
            context.close(true);
        } finally {
            engine.close();
        }
    }
}
