package io.jwsgi.bench;

import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.server.Channel;
import io.jwsgi.server.Engine;
import io.jwsgi.server.Pump;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One sleep → wake → resume cycle. Bridge: {@code async.wake} on a sleeping {@link Pump} whose
 * engine runs turns on the calling thread and whose channel does nothing; the turn pulls the next
 * chunk, the app sleeps again and the pump suspends. Raw: the least a hand-written suspension
 * does for the same: one CAS from sleeping to running, the executor, the next chunk, back to sleeping.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WakeBenchmark {

    private static final byte[] EMPTY = new byte[0];

    private Engine engine;
    private Runnable wake;
    private RawSuspension raw;

    @Setup
    public void setUp() {
        engine = Engine.builder().executor(Runnable::run).build();
        Map<String, Object> environ = new HashMap<>();
        environ.put(Environ.REQUEST_METHOD, "GET");
        Pump pump = engine.open((env, startResponse) -> {
            startResponse.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
            Runnable sleep = (Runnable) env.get(Environ.ASYNC_SLEEP);
            return () -> new Forever(sleep);
        }, environ, new NoChannel(), "GET /wake");
        pump.onWritePossible();
        wake = (Runnable) environ.get(Environ.ASYNC_WAKE);
        raw = new RawSuspension(new Forever(() -> { }));
    }

    @TearDown
    public void tearDown() {
        engine.shutdown(Duration.ofSeconds(1));
    }

    /** The bridge's path. */
    @Benchmark
    public void bridge() {
        wake.run();
    }

    /** The hand-written path. */
    @Benchmark
    public void raw() {
        raw.wake();
    }

    /** An endless body: each chunk asks to sleep and is empty. */
    private static final class Forever implements Iterator<byte[]> {
        private final Runnable sleep;

        Forever(Runnable sleep) {
            this.sleep = sleep;
        }

        @Override
        public boolean hasNext() {
            return true;
        }

        @Override
        public byte[] next() {
            sleep.run();
            return EMPTY;
        }
    }

    /** A minimal suspension: a state word, an executor hop and the next chunk. */
    private static final class RawSuspension {
        private static final int SLEEPING = 0;
        private static final int RUNNING = 1;
        private final AtomicInteger state = new AtomicInteger(SLEEPING);
        private final Iterator<byte[]> body;
        private final java.util.concurrent.Executor executor = Runnable::run;

        RawSuspension(Iterator<byte[]> body) {
            this.body = body;
        }

        void wake() {
            if (state.compareAndSet(SLEEPING, RUNNING)) {
                executor.execute(this::resume);
            }
        }

        private void resume() {
            body.next();
            state.set(SLEEPING);
        }
    }

    /** A connection that is always ready and drops what it is given. */
    private static final class NoChannel implements Channel {
        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void head(int code, String status, List<Header> headers) {
        }

        @Override
        public void write(byte[] chunk) {
        }

        @Override
        public void flush() {
        }

        @Override
        public void complete() {
        }

        @Override
        public void abort(Throwable cause) {
        }
    }
}
