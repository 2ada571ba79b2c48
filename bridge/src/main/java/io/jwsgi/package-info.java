/**
 * The JWSGI contract: PEP 3333 in Java, plus the {@code async.sleep}/{@code async.wake} extension.
 *
 * <p>{@link io.jwsgi.Application} is the one interface an application implements;
 * {@link io.jwsgi.StartResponse}, {@link io.jwsgi.Header} and {@link io.jwsgi.Write} are what it
 * is handed; {@link io.jwsgi.Environ} names the keys of the environ. This package has no servlet
 * dependency: applications compile against it alone. {@code SPEC.md} is the full specification.
 */
package io.jwsgi;
