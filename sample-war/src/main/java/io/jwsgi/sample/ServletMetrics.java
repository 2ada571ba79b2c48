package io.jwsgi.sample;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import javax.management.AttributeList;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The live figures of this WAR's servlets as JSON, read the way any JMX client reads them: from
 * the platform MBeanServer, where each {@code JwsgiServlet} registers
 * {@code io.jwsgi:type=Servlet,context="<context path>",name="<servlet name>"}.
 *
 * <pre>{@code
 * {"context": "/sample", "servlets": [{"name": "chat", "Open": 3, "Asleep": 3, ...}, ...]}
 * }</pre>
 *
 * <p>A servlet appears once its container has initialised it: Tomcat does so at its first request
 * unless {@code web.xml} gives it a {@code <load-on-startup>}.
 */
final class ServletMetrics {

    /** The attributes shown, in order. */
    static final List<String> ATTRIBUTES = List.of("Open", "Asleep", "Running", "Queued", "AwaitingClient",
            "Completed", "FailedByApplication", "ClientGone", "TimedOut", "BytesWritten",
            "WakeToWriteP50Millis", "WakeToWriteP99Millis", "WakeToWriteSamples");

    private ServletMetrics() {
    }

    /**
     * @param contextPath the WAR's context path, {@code SCRIPT_NAME} of the index ({@code ""} at the root)
     * @return the JSON document
     */
    static String json(String contextPath) {
        String context = contextPath.isEmpty() ? "/" : contextPath;
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        StringJoiner servlets = new StringJoiner(",\n", "[\n", "\n]");
        for (ObjectName name : names(jmx, context)) {
            try {
                StringJoiner fields = new StringJoiner(", ", "{", "}");
                fields.add("\"name\": " + Json.quote(ObjectName.unquote(name.getKeyProperty("name"))));
                AttributeList values = jmx.getAttributes(name, ATTRIBUTES.toArray(new String[0]));
                for (javax.management.Attribute value : values.asList()) {
                    fields.add(Json.quote(value.getName()) + ": " + number(value.getValue()));
                }
                servlets.add(fields.toString());
            } catch (JMException e) {
                // Unregistered between the query and the read: the servlet is being destroyed.
            }
        }
        return "{\"context\": " + Json.quote(context) + ", \"servlets\": " + servlets + "}\n";
    }

    private static Set<ObjectName> names(MBeanServer jmx, String context) {
        try {
            Set<ObjectName> sorted = new TreeSet<>();
            sorted.addAll(jmx.queryNames(new ObjectName("io.jwsgi:type=Servlet,context=" + ObjectName.quote(context)
                    + ",*"), null));
            return sorted;
        } catch (JMException e) {
            throw new IllegalStateException("cannot query the JWSGI MBeans of context " + context, e);
        }
    }

    private static String number(Object value) {
        if (value instanceof Double d) {
            return String.format(java.util.Locale.ROOT, "%.3f", d);
        }
        return String.valueOf(value);
    }
}
