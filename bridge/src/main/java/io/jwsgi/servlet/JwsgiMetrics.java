package io.jwsgi.servlet;

import io.jwsgi.server.LatencyWindow;
import io.jwsgi.server.Metrics;
import java.lang.management.ManagementFactory;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The standard MBean of one {@link JwsgiServlet}, registered in the platform MBeanServer by
 * {@code init} and unregistered by {@code destroy}:
 *
 * <pre>{@code
 * MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
 * ObjectName chat = new ObjectName("io.jwsgi:type=Servlet,context=\"/app\",name=\"chat\"");
 * int asleep = (Integer) jmx.getAttribute(chat, "Asleep");
 * }</pre>
 *
 * <p>The name's {@code context} is the context path ({@code "/"} for the root context) and
 * {@code name} the servlet's name, both quoted ({@link ObjectName#quote}). When two servlets of
 * the same name serve the same context path in one JVM (two embedded servers, two virtual hosts),
 * the later ones get a key {@code instance=2}, {@code 3}, ...
 */
public final class JwsgiMetrics implements JwsgiMetricsMBean {

    /** The ObjectName domain. */
    public static final String DOMAIN = "io.jwsgi";

    private static final Logger LOG = Logger.getLogger(JwsgiMetrics.class.getName());
    private static final int MAX_INSTANCES = 100;

    private final String application;
    private final Metrics metrics;

    JwsgiMetrics(String application, Metrics metrics) {
        this.application = application;
        this.metrics = metrics;
    }

    /**
     * The name a servlet's MBean gets (the first of its context path and servlet name).
     *
     * @param contextPath the context path, {@code ""} for the root context
     * @param servletName the servlet's name
     * @return {@code io.jwsgi:type=Servlet,context="...",name="..."}
     */
    public static ObjectName name(String contextPath, String servletName) {
        return name(contextPath, servletName, 1);
    }

    private static ObjectName name(String contextPath, String servletName, int instance) {
        String context = contextPath == null || contextPath.isEmpty() ? "/" : contextPath;
        try {
            return new ObjectName(DOMAIN + ":type=Servlet,context=" + ObjectName.quote(context)
                    + ",name=" + ObjectName.quote(servletName) + (instance > 1 ? ",instance=" + instance : ""));
        } catch (JMException e) {
            throw new IllegalArgumentException("no valid ObjectName for context " + context + ", servlet "
                    + servletName + ": " + e.getMessage(), e);
        }
    }

    /**
     * Registers the MBean of a servlet; a failure is logged, never thrown, so that a JVM where JMX
     * is locked down still serves.
     *
     * @param servlet the servlet, initialised (its context and name are known)
     * @param application what it serves
     * @param metrics its engine's metrics
     * @return the name it got, or {@code null} if it could not be registered
     */
    static ObjectName register(JwsgiServlet servlet, Object application, Metrics metrics) {
        String context = servlet.getServletContext().getContextPath();
        String servletName = servlet.getServletName();
        JwsgiMetrics bean = new JwsgiMetrics(application.getClass().getName(), metrics);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (int instance = 1; instance <= MAX_INSTANCES; instance++) {
            ObjectName name = name(context, servletName, instance);
            try {
                server.registerMBean(bean, name);
                return name;
            } catch (InstanceAlreadyExistsException e) {
                // Another servlet of the same context path and name in this JVM: try the next instance number.
            } catch (JMException | RuntimeException e) {
                LOG.log(Level.WARNING, "JWSGI could not register its metrics MBean " + name + ": " + e, e);
                return null;
            }
        }
        LOG.log(Level.WARNING, "JWSGI did not register metrics for servlet {0} of context {1}: {2} instances"
                + " of that name are registered already", new Object[] {servletName, context, MAX_INSTANCES});
        return null;
    }

    /** Unregisters what {@link #register} registered; {@code null} does nothing. */
    static void unregister(ObjectName name) {
        if (name == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (InstanceNotFoundException e) {
            // Someone unregistered it already (a JMX console can): nothing is left behind either way.
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.WARNING, "JWSGI could not unregister its metrics MBean " + name + ": " + e, e);
        }
    }

    @Override
    public String getApplication() {
        return application;
    }

    @Override
    public int getOpen() {
        return metrics.gauges().open();
    }

    @Override
    public int getAsleep() {
        return metrics.gauges().asleep();
    }

    @Override
    public int getRunning() {
        return metrics.gauges().running();
    }

    @Override
    public int getQueued() {
        return metrics.gauges().queued();
    }

    @Override
    public int getAwaitingClient() {
        return metrics.gauges().awaitingClient();
    }

    @Override
    public long getCompleted() {
        return metrics.completed();
    }

    @Override
    public long getFailedByApplication() {
        return metrics.failed();
    }

    @Override
    public long getClientGone() {
        return metrics.clientGone();
    }

    @Override
    public long getTimedOut() {
        return metrics.timedOut();
    }

    @Override
    public long getEndedByShutdown() {
        return metrics.shutDown();
    }

    @Override
    public long getBytesWritten() {
        return metrics.bytesWritten();
    }

    @Override
    public long getBytesWrittenAsBuffers() {
        return metrics.bytesWrittenAsBuffers();
    }

    @Override
    public double getWakeToWriteP50Millis() {
        return millis(LatencyWindow.percentile(metrics.wakeToWrite().snapshot(), 50));
    }

    @Override
    public double getWakeToWriteP99Millis() {
        return millis(LatencyWindow.percentile(metrics.wakeToWrite().snapshot(), 99));
    }

    @Override
    public int getWakeToWriteSamples() {
        return metrics.wakeToWrite().snapshot().length;
    }

    private static double millis(long nanos) {
        return nanos < 0 ? -1 : nanos / 1e6;
    }
}
