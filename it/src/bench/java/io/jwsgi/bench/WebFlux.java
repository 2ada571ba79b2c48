package io.jwsgi.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ServletHttpHandlerAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The peer: Spring WebFlux's {@link HttpHandler}, the level of WebFlux that matches a JWSGI
 * application (no router, no codecs), served through {@link ServletHttpHandlerAdapter}.
 */
final class WebFlux {

    private WebFlux() {
    }

    /** Hello world. */
    static ServletHttpHandlerAdapter hello() {
        HttpHandler handler = (request, response) -> {
            response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
            response.getHeaders().setContentLength(Apps.HELLO.length);
            return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(Apps.HELLO)));
        };
        return new ServletHttpHandlerAdapter(handler);
    }

    /** {@code total} bytes in fresh {@code chunk}-byte buffers ({@code ?chunk=N&total=N}). */
    static ServletHttpHandlerAdapter stream(AtomicLong produced, AtomicInteger open) {
        HttpHandler handler = (request, response) -> {
            String query = request.getURI().getRawQuery();
            int chunk = (int) Query.number(query, "chunk", 65536);
            long total = Query.number(query, "total", 1L << 30);
            response.getHeaders().setContentType(MediaType.APPLICATION_OCTET_STREAM);
            response.getHeaders().setContentLength(total);
            DataBufferFactory buffers = response.bufferFactory();
            long count = (total + chunk - 1) / chunk;
            open.incrementAndGet();
            Flux<DataBuffer> body = Flux.<DataBuffer, Long>generate(() -> total, (left, sink) -> {
                int size = (int) Math.min(chunk, left);
                produced.addAndGet(size);
                sink.next(buffers.wrap(new byte[size]));
                return left - size;
            }).take(count).doFinally(signal -> open.decrementAndGet());
            return response.writeWith(body);
        };
        return new ServletHttpHandlerAdapter(handler);
    }
}
