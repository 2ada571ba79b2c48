package io.jwsgi.servlet;

import io.jwsgi.Application;
import io.jwsgi.server.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * {@link JwsgiServlet}'s init-params, read and checked together at {@code init}: each value that
 * breaks a rule is added to a {@link Misconfiguration}, naming the init-param, the value and what
 * is expected, so that one start reports every mistake, not only the first. A value that breaks a
 * rule leaves its default in place.
 */
final class InitParams {

    final long asyncTimeoutMillis;
    final int poolSize;
    final long shutdownGraceMillis;
    final long maxBodySize;
    final int bufferMemory;
    /** {@code null}: the context's temporary directory. */
    final Path bufferDir;
    final boolean nonBlocking;
    final boolean bufferInput;
    final Engine.Threads threads;
    /** {@code turns=pool}: every turn on the bridge's threads, none on the container's. */
    final boolean turnsOnPool;

    private final UnaryOperator<String> params;
    private final Misconfiguration problems;

    private InitParams(UnaryOperator<String> params, Misconfiguration problems) {
        this.params = params;
        this.problems = problems;
        asyncTimeoutMillis = number("async-timeout", 0, 0);
        poolSize = (int) number("pool-size", 200, 1);
        shutdownGraceMillis = number("shutdown-grace", 5000, 0);
        maxBodySize = number("max-body-size", 0, 0);
        bufferMemory = (int) Math.min(Integer.MAX_VALUE - 8, number("buffer-memory", 65536, 0));
        bufferDir = directory("buffer-dir");
        nonBlocking = "true".equals(choice("non-blocking", "true", "false"));
        String input = choice("input", "stream", "buffer");
        if (nonBlocking && "stream".equals(input)) {
            problems.add("init-param input=stream cannot be combined with non-blocking=true: reading"
                    + " wsgi.input from the connection waits for the client, which would hold a container thread;"
                    + " use input=buffer, which non-blocking=true implies when input is not set");
        }
        bufferInput = "buffer".equals(input) || input == null && nonBlocking;
        turnsOnPool = "pool".equals(choice("turns", "container", "pool"));
        threads = "virtual".equals(choice("threads", "platform", "virtual")) ? Engine.Threads.VIRTUAL : Engine.Threads.PLATFORM;
    }

    /**
     * Reads every init-param but {@code application}.
     *
     * @param params the servlet's {@code getInitParameter}
     * @param problems where broken rules are added
     * @return the values, defaults where a value was missing or broke its rule
     */
    static InitParams read(UnaryOperator<String> params, Misconfiguration problems) {
        return new InitParams(params, problems);
    }

    /** A whole number from {@code min} up ({@code pool-size}: up to {@link Integer#MAX_VALUE}). */
    private long number(String name, long fallback, long min) {
        String value = params.apply(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        long max = min > 0 ? Integer.MAX_VALUE : Long.MAX_VALUE;
        try {
            long n = Long.parseLong(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below, with the rule.
        }
        problems.add("init-param " + name + " must be " + (min == 0 ? "a non-negative whole number"
                : "a whole number from " + min + " to " + max) + ", got \"" + value + "\"");
        return fallback;
    }

    /**
     * The value of an init-param that must be one of {@code allowed} (compared ignoring case and
     * surrounding blanks), in the spelling given there; {@code null} if not set or broken.
     */
    private String choice(String name, String... allowed) {
        String value = params.apply(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        for (String option : allowed) {
            if (option.equalsIgnoreCase(value.trim())) {
                return option;
            }
        }
        problems.add("init-param " + name + " must be \"" + String.join("\" or \"", allowed) + "\", got \"" + value + "\"");
        return null;
    }

    private Path directory(String name) {
        String value = params.apply(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Files.createDirectories(Path.of(value.trim()));
        } catch (IOException | RuntimeException e) {
            problems.add("init-param " + name + " must name a directory that exists or can be created, got \""
                    + value + "\": " + e);
            return null;
        }
    }

    /**
     * Loads the class named by the init-param {@code application} and, if nothing else is wrong
     * ({@code problems} empty), constructs it.
     *
     * @param className the init-param's value
     * @param loader the web application's class loader
     * @param problems where a broken rule is added
     * @return the application, or {@code null} if it could not be, or was not, constructed
     */
    static Application application(String className, ClassLoader loader, Misconfiguration problems) {
        if (className == null || className.isBlank()) {
            problems.add("init-param application is missing: name a class implementing io.jwsgi.Application"
                    + " with a public no-argument constructor");
            return null;
        }
        String name = className.trim();
        Class<?> type;
        try {
            type = Class.forName(name, true, loader);
        } catch (ClassNotFoundException e) {
            problems.add("init-param application names " + name + ", which is not on the web application's classpath");
            return null;
        } catch (LinkageError e) {
            problems.add("init-param application names " + name + ", which could not be loaded: " + e, e);
            return null;
        }
        if (!Application.class.isAssignableFrom(type)) {
            problems.add("init-param application names " + name + ", which does not implement io.jwsgi.Application");
            return null;
        }
        try {
            var constructor = type.getConstructor();
            return problems.isEmpty() ? (Application) constructor.newInstance() : null;
        } catch (NoSuchMethodException e) {
            problems.add("application class " + name + " needs a public no-argument constructor; it has none");
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            problems.add("constructing application class " + name + " failed: " + cause, cause);
        } catch (RuntimeException | LinkageError e) {
            problems.add("constructing application class " + name + " failed: " + e, e);
        }
        return null;
    }
}
