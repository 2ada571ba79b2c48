package io.jwsgi.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What keeps a {@link JwsgiServlet} from serving: its problems, said once at {@code SEVERE} and
 * answered to every request it refuses with a {@code 500}. The body names the problems to a
 * client on the same machine (a developer trying the deployment); any other client gets a
 * generic body.
 *
 * <p>Filled while the servlet starts (one thread), then only read.
 */
final class Misconfiguration {

    private static final Logger LOG = Logger.getLogger(JwsgiServlet.class.getName());
    private static final byte[] GENERIC = "500 Internal Server Error\n".getBytes(StandardCharsets.UTF_8);

    private final String servletName;
    private final String consequence;
    private final List<String> problems = new ArrayList<>();
    private Throwable cause;
    private final AtomicBoolean reported = new AtomicBoolean();

    /**
     * @param servletName the servlet's name, which the message starts with
     * @param consequence what the problems mean for requests, e.g. {@code "every request gets 500"}
     */
    Misconfiguration(String servletName, String consequence) {
        this.servletName = servletName;
        this.consequence = consequence;
    }

    /** Adds a problem: the rule, the value and what is expected. */
    void add(String problem) {
        problems.add(problem);
    }

    /** Adds a problem caused by an exception, whose stack trace the log line carries. */
    void add(String problem, Throwable thrown) {
        problems.add(problem);
        if (cause == null) {
            cause = thrown;
        }
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /** The problems, one per line, after a line naming the servlet. */
    String message() {
        StringBuilder text = new StringBuilder("JwsgiServlet ").append(servletName).append(" cannot serve requests (")
                .append(problems.size() == 1 ? "1 problem" : problems.size() + " problems")
                .append("); ").append(consequence).append(':');
        for (String problem : problems) {
            text.append("\n  - ").append(problem);
        }
        return text.toString();
    }

    /**
     * Logs the problems at {@code SEVERE} through {@code java.util.logging}, the first time only:
     * that reaches the console and {@code catalina.log} on Tomcat (whose {@code ServletContext.log}
     * goes to {@code localhost.log} alone) and the console on Jetty.
     */
    void reportOnce() {
        if (reported.compareAndSet(false, true)) {
            LOG.log(Level.SEVERE, message(), cause);
        }
    }

    /**
     * Answers a refused request: reports the problems if that was not done yet, then sends
     * {@code 500} with a plain-text body naming them if the client is local, a generic one if not.
     */
    void refuse(HttpServletRequest request, HttpServletResponse response) throws IOException {
        reportOnce();
        byte[] body = isLoopback(request.getRemoteAddr())
                ? (message() + "\n").getBytes(StandardCharsets.UTF_8) : GENERIC;
        response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        response.setContentType("text/plain; charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * Whether an address, as {@code getRemoteAddr} gives it (an IP literal), is a loopback one:
     * {@code 127.0.0.0/8}, {@code ::1}, or either mapped into IPv6. Read from the text, so that no
     * name lookup can happen.
     */
    static boolean isLoopback(String address) {
        if (address == null) {
            return false;
        }
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        a = a.toLowerCase(Locale.ROOT);
        int zone = a.indexOf('%');
        if (zone >= 0) {
            a = a.substring(0, zone);
        }
        for (String mapped : new String[] {"::ffff:", "0:0:0:0:0:ffff:"}) {
            if (a.startsWith(mapped) && a.indexOf('.') > 0) {
                a = a.substring(mapped.length());
            }
        }
        return a.startsWith("127.") || a.equals("::1") || a.equals("0:0:0:0:0:0:0:1");
    }
}
