package io.jwsgi.middleware;

import io.jwsgi.Application;

/**
 * Something that wraps an application in another one: the unit {@link Pipeline} stacks.
 *
 * <pre>{@code
 * Middleware gzip = Gzip::new;
 * Application app = gzip.wrap(new HelloApp());
 * }</pre>
 *
 * <p>Every middleware in this package has a constructor taking the wrapped application, so a
 * constructor reference is a {@code Middleware}; configurable ones also offer a lambda form, as in
 * {@code app -> new ErrorPages(app, true)}.
 */
@FunctionalInterface
public interface Middleware {

    /**
     * Wraps an application.
     *
     * @param app the application to wrap; never {@code null}
     * @return the wrapping application; never {@code null}
     */
    Application wrap(Application app);
}
