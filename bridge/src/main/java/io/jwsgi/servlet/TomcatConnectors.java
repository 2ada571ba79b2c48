package io.jwsgi.servlet;

import java.util.ArrayList;
import java.util.List;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Finds the Tomcat connectors that reuse their request processors, through the MBeans Tomcat
 * registers for its protocol handlers. Tomcat 10.1 and 11 hand a finished exchange's processor to
 * a later connection ({@code processorCache}, 200 by default); when the bridge writes and flushes
 * from its own threads (after every wake, and always unless {@code non-blocking=true}) while a
 * client leaves mid-stream, Tomcat then occasionally closes an unrelated fresh connection
 * unanswered, or answers it with another exchange's 500. A plain servlet writing from its own
 * threads does the same; with {@code processorCache="0"} neither loses anything, at the price of
 * a processor built per request (RELIABILITY.md, section 7). Nothing here changes the connector:
 * it only lets the servlet say so at start.
 */
final class TomcatConnectors {

    private TomcatConnectors() {
    }

    /**
     * Describes each connector of a Tomcat server that reuses its processors, as
     * {@code "port 8080 (processorCache=200)"}; empty on other containers, or when Tomcat
     * registers no MBeans.
     *
     * @param serverInfo the container's {@code ServletContext.getServerInfo()}
     * @param mbeans where Tomcat registers its MBeans (the platform MBean server)
     */
    static List<String> reusingProcessors(String serverInfo, MBeanServer mbeans) {
        List<String> found = new ArrayList<>();
        if (serverInfo == null || !serverInfo.startsWith("Apache Tomcat")) {
            return found;
        }
        try {
            for (ObjectName name : mbeans.queryNames(new ObjectName("*:type=ProtocolHandler,*"), null)) {
                Object cache = attribute(mbeans, name, "processorCache");
                if (cache instanceof Integer && (Integer) cache != 0) {
                    found.add("port " + port(mbeans, name) + " (processorCache=" + cache + ")");
                }
            }
        } catch (JMException e) {
            // A malformed pattern cannot happen; any other refusal means there is nothing to say.
        }
        return found;
    }

    /** The port the connector listens on; Tomcat names one configured with port 0 "auto-N". */
    private static String port(MBeanServer mbeans, ObjectName name) {
        Object local = attribute(mbeans, name, "localPort");
        if (local instanceof Integer && (Integer) local > 0) {
            return local.toString();
        }
        String key = name.getKeyProperty("port");
        return key == null ? name.toString() : key;
    }

    private static Object attribute(MBeanServer mbeans, ObjectName name, String attribute) {
        try {
            return mbeans.getAttribute(name, attribute);
        } catch (JMException | RuntimeException e) {
            // Not an HTTP protocol handler of a Tomcat this check knows.
            return null;
        }
    }

    /** The notice the servlet logs at start for the connectors {@link #reusingProcessors} found. */
    static String advice(String servletName, List<String> connectors) {
        return "JwsgiServlet " + servletName + ": Tomcat connector " + String.join(", ", connectors)
                + " reuses request processors across connections; with writes from the bridge's threads,"
                + " Tomcat may now and then close a fresh connection unanswered (or answer it with another"
                + " exchange's 500) when another client leaves mid-stream. processorCache=\"0\" on the <Connector>"
                + " prevents it, at the cost of a processor built per request; non-blocking=true makes it rarer"
                + " (see RELIABILITY.md, section 7)";
    }
}
