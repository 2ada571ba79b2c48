package io.jwsgi.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Records the heap in use right after each garbage collection while it is open: the floor of the
 * heap, which stays flat when nothing accumulates, without forcing collections during a run.
 */
final class HeapWatch implements NotificationListener, AutoCloseable {

    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private long min = Long.MAX_VALUE;
    private long max;
    private int collections;

    HeapWatch() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(this, null, null);
                emitters.add(emitter);
            }
        }
    }

    @Override
    public synchronized void handleNotification(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long used = 0;
        for (MemoryUsage usage : info.getGcInfo().getMemoryUsageAfterGc().values()) {
            used += usage.getUsed();
        }
        min = Math.min(min, used);
        max = Math.max(max, used);
        collections++;
    }

    synchronized long min() {
        return collections == 0 ? 0 : min;
    }

    synchronized long max() {
        return max;
    }

    synchronized int collections() {
        return collections;
    }

    @Override
    public void close() {
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(this);
            } catch (ListenerNotFoundException ignored) {
                // Never added: nothing to remove.
            }
        }
    }
}
