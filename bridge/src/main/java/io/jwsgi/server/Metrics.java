package io.jwsgi.server;

import io.jwsgi.Header;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * What one {@link Engine} has served: how its responses ended, the bytes it wrote, how long a
 * woken response took to write again, and, read on demand, where the responses in flight are.
 *
 * <p>Counters are {@link LongAdder}s bumped by the thread running a response; the gauges are not
 * kept at all but counted when asked, by walking the engine's responses in flight, so that the
 * pump's hot path pays for nothing but the counters. Each exchange is watched through a
 * {@link Channel} wrapper that counts what it writes and how it ends; the pump tells it only of
 * wakes and of the cause of an ending ({@link #woke}, {@link #ending}).
 *
 * <p>Every response the engine opened lands in exactly one of the ending counters once it has
 * ended: the first cause recorded wins (an application that failed, then whose {@code 500} page
 * found the client gone, counts as failed).
 */
public final class Metrics {

    /** How many wake-to-write samples the latency window keeps. */
    static final int WINDOW_SAMPLES = 1024;
    /** How old a wake-to-write sample may be and still count, in seconds. */
    static final long WINDOW_SECONDS = 60;
    /** One wake in this many of an exchange is timed, starting with its first. */
    static final int WAKE_SAMPLING = 8;

    /** Where the responses in flight are at one moment; see {@link Metrics#gauges()}. */
    public record Gauges(int open, int asleep, int running, int queued, int awaitingClient) {
    }

    private enum Ending { COMPLETED, FAILED, CLIENT_GONE, TIMED_OUT, SHUT_DOWN }

    private final Collection<Pump> live;
    private final BooleanSupplier stopping;
    private final LongAdder[] endings = new LongAdder[Ending.values().length];
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder bytesWrittenAsBuffers = new LongAdder();
    private final LatencyWindow wakeToWrite = new LatencyWindow(WINDOW_SAMPLES, WINDOW_SECONDS, TimeUnit.SECONDS);

    /**
     * @param live the engine's responses in flight, read when gauges are asked for
     * @param stopping whether the engine is shutting down: endings it forces then are not timeouts
     */
    Metrics(Collection<Pump> live, BooleanSupplier stopping) {
        this.live = live;
        this.stopping = stopping;
        for (int i = 0; i < endings.length; i++) {
            endings[i] = new LongAdder();
        }
    }

    /** Wraps an exchange's channel to count what goes through it; the pump is given the wrapper. */
    Channel watch(Channel channel) {
        return new Watched(channel);
    }

    /**
     * The pump's {@code async.wake} resumed a sleeping response: the next write measures the
     * latency. Called under the pump's lock. Only the first wake of an exchange and every
     * {@value #WAKE_SAMPLING}th after it are timed: reading the clock twice costs as much as the
     * rest of an inline wake, and a stream woken a thousand times needs no thousand samples.
     */
    static void woke(Channel channel) {
        if (channel instanceof Watched w) {
            // An earlier wake not followed by a write (the response slept again) must not be timed now.
            w.wokeAt = w.wakes++ % WAKE_SAMPLING == 0 ? System.nanoTime() : 0;
        }
    }

    /**
     * The pump is ending a response for {@code cause}: a {@link ClientGone}, a {@link ResponseEnded}
     * or else an application error. Only the first cause of an exchange counts.
     */
    static void ending(Channel channel, Throwable cause) {
        if (channel instanceof Watched w) {
            w.cause(cause);
        }
    }

    /** Responses that ended normally. */
    public long completed() {
        return endings[Ending.COMPLETED.ordinal()].sum();
    }

    /** Responses ended by an application error (a {@code 500}, or a cut connection once the head was out). */
    public long failed() {
        return endings[Ending.FAILED.ordinal()].sum();
    }

    /** Responses whose client went away before they ended. */
    public long clientGone() {
        return endings[Ending.CLIENT_GONE.ordinal()].sum();
    }

    /** Responses the idle timeout ({@code async-timeout}) ended. */
    public long timedOut() {
        return endings[Ending.TIMED_OUT.ordinal()].sum();
    }

    /** Responses ended because the engine shut down (undeploy, server stop). */
    public long shutDown() {
        return endings[Ending.SHUT_DOWN.ordinal()].sum();
    }

    /** Body bytes handed to the container. */
    public long bytesWritten() {
        return bytesWritten.sum();
    }

    /**
     * Of {@link #bytesWritten()}, those handed to the container as buffers, never copied into an
     * array on the way: file regions ({@code wsgi.file_wrapper}) on a channel that
     * {@linkplain Channel#takesBuffers() takes buffers} (a Servlet 6.1 container).
     */
    public long bytesWrittenAsBuffers() {
        return bytesWrittenAsBuffers.sum();
    }

    /** The latencies from an {@code async.wake} that resumed a sleeping response to its next chunk written. */
    public LatencyWindow wakeToWrite() {
        return wakeToWrite;
    }

    /**
     * Counts the responses in flight by where they are. Takes each one's lock briefly; a response
     * may move on while it is counted, so the figures are a near-snapshot.
     *
     * @return open: all not yet ended; asleep: suspended on {@code async.sleep}; running: a thread
     *         runs its turn; queued: a turn waits for a thread; awaiting client: waiting for the
     *         container to say the client can take output
     */
    public Gauges gauges() {
        int open = 0;
        int asleep = 0;
        int running = 0;
        int queued = 0;
        int awaiting = 0;
        for (Pump pump : live) {
            switch (pump.state()) {
                case SLEEPING -> asleep++;
                case RUNNING, SIGNALLED -> running++;
                case SCHEDULED -> queued++;
                case NEW, AWAITING_READY -> awaiting++;
                case DONE -> {
                    continue;
                }
            }
            open++;
        }
        return new Gauges(open, asleep, running, queued, awaiting);
    }

    private void count(Ending ending) {
        endings[ending.ordinal()].increment();
    }

    /** One exchange's channel, counting its bytes, its wake-to-write latency and its ending. */
    private final class Watched implements Channel {
        private final Channel channel;
        /**
         * When a wake resumed the response, or 0. Set under the pump's lock before the turn is
         * scheduled, read and cleared by that turn's thread: the hand-off orders them.
         */
        private long wokeAt;
        /** Wakes that resumed this exchange; under the pump's lock. */
        private int wakes;
        private Ending ending;

        Watched(Channel channel) {
            this.channel = channel;
        }

        void cause(Throwable cause) {
            if (ending == null) {
                ending = cause instanceof ClientGone ? Ending.CLIENT_GONE
                        : !(cause instanceof ResponseEnded) ? Ending.FAILED
                        : stopping.getAsBoolean() ? Ending.SHUT_DOWN : Ending.TIMED_OUT;
            }
        }

        @Override
        public boolean isReady() {
            return channel.isReady();
        }

        @Override
        public int bufferSize() {
            return channel.bufferSize();
        }

        @Override
        public void head(int code, String status, List<Header> headers) {
            channel.head(code, status, headers);
        }

        @Override
        public void write(byte[] chunk) throws IOException {
            channel.write(chunk);
            wrote(chunk.length);
        }

        @Override
        public void write(ByteBuffer slice) throws IOException {
            int length = slice.remaining();
            channel.write(slice);
            if (channel.takesBuffers()) {
                bytesWrittenAsBuffers.add(length);
            }
            wrote(length);
        }

        @Override
        public boolean takesBuffers() {
            return channel.takesBuffers();
        }

        private void wrote(int length) {
            bytesWritten.add(length);
            if (wokeAt != 0) {
                long now = System.nanoTime();
                wakeToWrite.record(now - wokeAt, now);
                wokeAt = 0;
            }
        }

        @Override
        public void flush() throws IOException {
            channel.flush();
        }

        @Override
        public void complete() {
            count(ending != null ? ending : Ending.COMPLETED);
            channel.complete();
        }

        @Override
        public void abort(Throwable cause) {
            cause(cause);
            count(ending);
            channel.abort(cause);
        }

        @Override
        public String toString() {
            return channel.toString();
        }
    }
}
