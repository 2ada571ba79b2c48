package io.jwsgi.sample.chat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The callbacks registered with a bus on this node. Thread-safe; callbacks run outside any lock. */
final class Subscribers {

    private static final Logger LOG = Logger.getLogger(Subscribers.class.getName());

    private final Set<Entry> entries = ConcurrentHashMap.newKeySet();

    ChatBus.Subscription add(Runnable onPublish) {
        Entry e = new Entry(onPublish);
        entries.add(e);
        return e;
    }

    int size() {
        return entries.size();
    }

    /** Runs every callback; one that throws is logged and does not stop the others. */
    void runAll() {
        // Iterating the concurrent set: a callback may close its own subscription meanwhile.
        for (Entry e : entries) {
            try {
                e.onPublish.run();
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "a chat subscriber's callback failed", ex);
            }
        }
    }

    void clear() {
        entries.clear();
    }

    private final class Entry implements ChatBus.Subscription {
        private final Runnable onPublish;

        Entry(Runnable onPublish) {
            this.onPublish = onPublish;
        }

        @Override
        public void close() {
            entries.remove(this);
        }
    }
}
