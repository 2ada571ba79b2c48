package io.jwsgi.it;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Collects what the bridge logs (logger {@code io.jwsgi}), to check that faults are named there. */
final class LogCapture extends Handler {

    // Held strongly: java.util.logging keeps loggers only weakly.
    private static final Logger BRIDGE = Logger.getLogger("io.jwsgi");

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();
    private Level previous;

    /** Starts collecting the bridge's records of level WARNING and above. */
    static LogCapture install() {
        return install(Level.WARNING);
    }

    /**
     * Starts collecting the bridge's records of {@code level} and above, lowering the bridge
     * loggers' level to it if needed (FINE shows clients going away) until {@link #close()}.
     */
    static LogCapture install(Level level) {
        LogCapture capture = new LogCapture();
        capture.setLevel(level);
        capture.previous = BRIDGE.getLevel();
        if (level.intValue() < Level.INFO.intValue()) {
            BRIDGE.setLevel(level);
        }
        BRIDGE.addHandler(capture);
        return capture;
    }

    @Override
    public void publish(LogRecord record) {
        if (isLoggable(record)) {
            String thrown = record.getThrown() == null ? "" : " " + record.getThrown();
            lines.add(record.getLevel() + " " + formatter.formatMessage(record) + thrown);
        }
    }

    /** Whether a collected line holds the fragment. */
    boolean contains(String fragment) {
        return lines.stream().anyMatch(line -> line.contains(fragment));
    }

    /** The lines collected so far. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    /** Forgets what was collected. */
    void clear() {
        lines.clear();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        BRIDGE.removeHandler(this);
        BRIDGE.setLevel(previous);
    }
}
