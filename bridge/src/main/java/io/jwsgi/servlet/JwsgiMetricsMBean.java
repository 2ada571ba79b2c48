package io.jwsgi.servlet;

/**
 * The figures one {@link JwsgiServlet} publishes over JMX, as
 * {@code io.jwsgi:type=Servlet,context="/app",name="chat"} in the platform MBeanServer.
 *
 * <p>Gauges ({@code Open} ... {@code AwaitingClient}) are counted when read; counters
 * ({@code Completed} ... {@code BytesWritten}) only grow, from the servlet's {@code init}; the
 * latencies cover the last 1,024 samples, none older than 60 s.
 */
public interface JwsgiMetricsMBean {

    /** The application class served. */
    String getApplication();

    /** Responses in flight (started, not yet ended). */
    int getOpen();

    /** Responses suspended on {@code async.sleep}, holding no thread. */
    int getAsleep();

    /** Responses whose turn a thread is running now (the application, or a write). */
    int getRunning();

    /** Responses whose turn waits for one of the bridge's threads. */
    int getQueued();

    /** Responses waiting for the container to say the client can take more output. */
    int getAwaitingClient();

    /** Responses that ended normally. */
    long getCompleted();

    /** Responses ended by an application error: a {@code 500}, or a cut connection. */
    long getFailedByApplication();

    /** Responses whose client went away first. */
    long getClientGone();

    /** Responses ended by {@code async-timeout}. */
    long getTimedOut();

    /** Responses ended because the servlet was being destroyed. */
    long getEndedByShutdown();

    /** Body bytes written to the container. */
    long getBytesWritten();

    /**
     * Of those, the bytes of file bodies ({@code wsgi.file_wrapper}) handed to the container as
     * mapped buffers through Servlet 6.1's {@code ServletOutputStream.write(ByteBuffer)}, never
     * copied into an array by the bridge; 0 on a Servlet 6.0 container.
     */
    long getBytesWrittenAsBuffers();

    /** Median milliseconds from an {@code async.wake} that resumed a response to its next chunk written; -1 if none. */
    double getWakeToWriteP50Millis();

    /** The 99th percentile of the same; -1 if none. */
    double getWakeToWriteP99Millis();

    /**
     * How many wake-to-write samples the two percentiles are taken from: the first wake of each
     * response is timed, then one in eight.
     */
    int getWakeToWriteSamples();
}
