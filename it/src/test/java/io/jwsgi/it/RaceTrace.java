package io.jwsgi.it;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * The trace of {@link TomcatPoolThreadWritesIT} with {@code -Drace.trace=true}: Tomcat's
 * connector loggers ({@code org.apache.coyote}, {@code org.apache.tomcat.util.net}) and the
 * test's own events at every level, one line each with microseconds and the thread's name, into
 * one file. Off unless the property is given, and then only for the run that asked for it.
 */
final class RaceTrace implements AutoCloseable {

    /** Whether {@code -Drace.trace=true} was given. */
    static final boolean ON = Boolean.getBoolean("race.trace");

    private static final Logger TEST = Logger.getLogger("io.jwsgi.it.race");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS")
            .withZone(ZoneId.systemDefault());
    /** Stack frames kept per throwable: enough to show which call failed, on which path. */
    private static final int FRAMES = 30;

    // Held strongly: java.util.logging forgets the level of a logger nobody refers to.
    private final List<Logger> loggers = List.of(Logger.getLogger("org.apache.coyote"),
            Logger.getLogger("org.apache.tomcat.util.net"), TEST);
    private final StreamHandler handler;

    private RaceTrace(OutputStream out) {
        handler = new StreamHandler(out, new OneLine());
        handler.setLevel(Level.ALL);
        for (Logger logger : loggers) {
            logger.setLevel(Level.ALL);
            logger.setUseParentHandlers(false);
            logger.addHandler(handler);
        }
    }

    /** Starts tracing into {@code file} until {@link #close()}. */
    static RaceTrace start(Path file) throws IOException {
        return new RaceTrace(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20));
    }

    /** Logs one event of the test (a request, a failed write, a lost request) when tracing is on. */
    static void event(String format, Object... args) {
        event(null, format, args);
    }

    /** Logs one event of the test with the exception that came with it. */
    static void event(Throwable thrown, String format, Object... args) {
        if (ON) {
            TEST.log(Level.FINE, thrown, () -> String.format(format, args));
        }
    }

    @Override
    public void close() {
        for (Logger logger : loggers) {
            logger.removeHandler(handler);
            logger.setUseParentHandlers(true);
            logger.setLevel(null);
        }
        handler.close();
    }

    /** {@code time [thread] logger message}, then each throwable with its identity and first frames. */
    private static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord record) {
            // StreamHandler formats on the publishing thread: its name is the one that logged.
            StringBuilder line = new StringBuilder(200).append(TIME.format(record.getInstant())).append(" [")
                    .append(Thread.currentThread().getName()).append("] ").append(record.getLoggerName()).append(' ')
                    .append(formatMessage(record)).append('\n');
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                // The identity tells one exception object from another with the same message and stack.
                line.append("    ").append(t).append(" (object ").append(Integer.toHexString(System.identityHashCode(t)))
                        .append(")\n");
                StackTraceElement[] frames = t.getStackTrace();
                for (int i = 0; i < Math.min(FRAMES, frames.length); i++) {
                    line.append("        at ").append(frames[i]).append('\n');
                }
            }
            return line.toString();
        }
    }
}
