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
 * it only lets the servlet say so at start, once per connector in a JVM.
 */
final class TomcatConnectors {

    /** The prefix of the system properties recording which connectors were named already. */
    static final String NOTICED = "io.jwsgi.noticed.processorCache ";

    private TomcatConnectors() {
    }

    /**
     * A connector that reuses its processors.
     *
     * @param mbean the name of its protocol handler's MBean, unique among the Tomcat servers of a
     *     JVM (a port-0 connector's holds a JVM-wide counter, {@code port=auto-N})
     * @param description as the notice names it: {@code "port 8080 (processorCache=200)"}
     */
    record Connector(String mbean, String description) {
    }

    /**
     * Finds each connector of a Tomcat server that reuses its processors; none on other
     * containers, or when Tomcat registers no MBeans.
     *
     * @param serverInfo the container's {@code ServletContext.getServerInfo()}
     * @param mbeans where Tomcat registers its MBeans (the platform MBean server)
     */
    static List<Connector> reusingProcessors(String serverInfo, MBeanServer mbeans) {
        List<Connector> found = new ArrayList<>();
        if (serverInfo == null || !serverInfo.startsWith("Apache Tomcat")) {
            return found;
        }
        try {
            for (ObjectName name : mbeans.queryNames(new ObjectName("*:type=ProtocolHandler,*"), null)) {
                Object cache = attribute(mbeans, name, "processorCache");
                if (cache instanceof Integer && (Integer) cache != 0) {
                    found.add(new Connector(name.toString(), "port " + port(mbeans, name) + " (processorCache=" + cache + ")"));
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

    /**
     * The notice for the connectors {@link #reusingProcessors} found, or {@code null} if each of
     * them was named already in this JVM: by another servlet, in this web application or another
     * (each may load its own copy of this class, so the record is kept in the system properties).
     *
     * @param connectors what {@link #reusingProcessors} found
     * @return a short notice naming the connectors not named before, or {@code null}
     */
    static String adviceOnce(List<Connector> connectors) {
        List<String> fresh = new ArrayList<>();
        for (Connector connector : connectors) {
            if (System.getProperties().putIfAbsent(NOTICED + connector.mbean(), connector.description()) == null) {
                fresh.add(connector.description());
            }
        }
        return fresh.isEmpty() ? null : advice(fresh);
    }

    /** The notice for these connectors. */
    static String advice(List<String> connectors) {
        return "JWSGI: Tomcat connector " + String.join(", ", connectors) + " reuses request processors, so Tomcat"
                + " may drop a request now and then when another client leaves mid-stream; set processorCache=\"0\""
                + " on the <Connector> (see docs/tomcat.md)";
    }
}
