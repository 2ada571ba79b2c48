package io.jwsgi.sample.chat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The default bus: messages kept in this JVM, enough for one server; needs no setup. */
public final class MemoryChatBus implements ChatBus {

    private final ArrayDeque<ChatMessage> history = new ArrayDeque<>();
    private final Subscribers subscribers = new Subscribers();
    private long lastId;

    @Override
    public ChatMessage publish(String name, String text) {
        ChatMessage message;
        synchronized (history) {
            message = new ChatMessage(++lastId, name, text, System.currentTimeMillis());
            history.addLast(message);
            if (history.size() > HISTORY) {
                history.removeFirst();
            }
        }
        subscribers.runAll();
        return message;
    }

    @Override
    public List<ChatMessage> since(long afterId) {
        List<ChatMessage> found = new ArrayList<>();
        synchronized (history) {
            for (ChatMessage m : history) {
                if (m.id() > afterId) {
                    found.add(m);
                }
            }
        }
        return found;
    }

    @Override
    public Subscription subscribe(Runnable onPublish) {
        return subscribers.add(onPublish);
    }

    @Override
    public int subscribers() {
        return subscribers.size();
    }

    @Override
    public void close() {
        subscribers.clear();
    }
}
