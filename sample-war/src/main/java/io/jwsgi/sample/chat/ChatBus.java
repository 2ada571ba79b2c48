package io.jwsgi.sample.chat;

import java.util.List;

/**
 * Where chat messages are kept and announced. Every node serving the chat shares one bus: a
 * message published on any node is in {@link #since} for all, and wakes every subscriber on every
 * node. {@link MemoryChatBus} serves one JVM; {@link RedisChatBus} shares a room between servers.
 *
 * <p>A waiting request subscribes first and reads {@link #since} second: a message published in
 * between then both shows up and wakes it, so no message is missed.
 */
public interface ChatBus extends AutoCloseable {

    /** How many of the latest messages the bus keeps. */
    int HISTORY = 100;

    /**
     * Stores a message under the next id and wakes every subscriber.
     *
     * @param name who posts it
     * @param text what they wrote
     * @return the stored message, with its id and time
     * @throws ChatBusException if the store cannot be reached
     */
    ChatMessage publish(String name, String text);

    /**
     * The kept messages whose id is greater than {@code afterId}, oldest first.
     *
     * @param afterId the last id the caller has; {@code 0} for everything kept
     * @return at most {@link #HISTORY} messages
     * @throws ChatBusException if the store cannot be reached
     */
    List<ChatMessage> since(long afterId);

    /**
     * Registers a callback run after each publish, on any node. It runs on the publisher's or the
     * bus's thread and must not block: a request passes its {@code async.wake}. The bus may also
     * run it when it cannot tell whether messages were missed (after reconnecting to its store).
     *
     * @param onPublish what to run
     * @return the handle that unregisters it
     */
    Subscription subscribe(Runnable onPublish);

    /** The number of callbacks registered now: one per waiting request. */
    int subscribers();

    /** Releases the bus's connections and threads. */
    @Override
    void close();

    /** A registered callback. */
    interface Subscription extends AutoCloseable {
        /** Unregisters the callback; idempotent. */
        @Override
        void close();
    }

    /** The bus's store failed; the message says which store and why. */
    final class ChatBusException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** @param message what failed, @param cause the store's error */
        public ChatBusException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
