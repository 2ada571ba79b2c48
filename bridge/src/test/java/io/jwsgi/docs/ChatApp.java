package io.jwsgi.docs;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.jwsgi.Application;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import io.jwsgi.app.AsyncBody;
import java.util.List;
import java.util.Map;

/** docs/middleware.md's chat: every message posted to the room goes out as one chunk. */
final class ChatApp implements Application {

    /** The room every {@code ChatApp} serves. */
    static final Room<String> room = new Room<>();

    @Override
    // docs:begin
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
        AsyncBody body = AsyncBody.of(environ);
        Subscription subscription = room.subscribe(message -> body.offer(message.getBytes(UTF_8)));
        body.onClose(subscription::cancel);       // client gone, timeout, error or end: unsubscribe
        startResponse.start("200 OK", List.of(new Header("Content-Type", "text/plain; charset=utf-8")));
        return body;
    }
    // docs:end
}
