package io.jwsgi.docs;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The chat room the examples of docs/middleware.md subscribe to. */
final class Room<T> {
    final List<Consumer<T>> subscribers = new CopyOnWriteArrayList<>();

    Subscription subscribe(Consumer<T> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    void post(T message) {
        subscribers.forEach(s -> s.accept(message));
    }
}
