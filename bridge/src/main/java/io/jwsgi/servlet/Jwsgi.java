package io.jwsgi.servlet;

import io.jwsgi.Application;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.util.Objects;
import java.util.Set;

/**
 * Registers JWSGI applications in code, for deployments without {@code web.xml}.
 *
 * <pre>{@code
 * @WebListener
 * public class Startup implements ServletContextListener {
 *     public void contextInitialized(ServletContextEvent event) {
 *         Jwsgi.register(event.getServletContext(), "hello", new HelloApp(), "/hello/*")
 *              .setInitParameter("async-timeout", "60000");
 *     }
 * }
 * }</pre>
 *
 * <p>The same call works from a {@code ServletContainerInitializer} or an embedded container's
 * setup code: anywhere the Servlet API still allows {@link ServletContext#addServlet}, that is,
 * before the context has started.
 */
public final class Jwsgi {

    private Jwsgi() {
    }

    /**
     * Adds a {@link JwsgiServlet} serving {@code app}, async-supported, mapped to {@code urlPatterns}.
     * Its init-params ({@code async-timeout}, {@code threads}...) can be set on the returned
     * registration. When the servlet is destroyed it closes {@code app} if it is {@link AutoCloseable}.
     *
     * @param context the servlet context, not yet started
     * @param name the servlet's name, unique in the context
     * @param app the application
     * @param urlPatterns at least one pattern, e.g. {@code "/*"} or {@code "/chat/*"}
     * @return the registration, for more settings
     * @throws IllegalArgumentException if no pattern is given
     * @throws IllegalStateException if the name is taken, a pattern is mapped to another servlet,
     *     or the context has already started
     */
    public static ServletRegistration.Dynamic register(ServletContext context, String name, Application app,
            String... urlPatterns) {
        Objects.requireNonNull(app, "app");
        if (urlPatterns.length == 0) {
            throw new IllegalArgumentException("register(" + name + "): give at least one URL pattern, e.g. \"/*\"");
        }
        ServletRegistration.Dynamic registration = context.addServlet(name, new JwsgiServlet(app));
        if (registration == null) {
            throw new IllegalStateException("register(" + name + "): the context already has a servlet named \""
                    + name + "\"; choose another name");
        }
        registration.setAsyncSupported(true);
        Set<String> conflicts = registration.addMapping(urlPatterns);
        if (!conflicts.isEmpty()) {
            throw new IllegalStateException("register(" + name + "): " + conflicts
                    + " already mapped to another servlet; choose other URL patterns");
        }
        return registration;
    }
}
