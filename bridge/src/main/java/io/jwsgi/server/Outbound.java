package io.jwsgi.server;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The bytes between the application and the channel: at most one chunk (an array, or a file
 * region's slice) waiting to be written (arrays of legacy {@code write} calls on a container
 * thread excepted, see {@link Pump}), a flush owed after it, the head that must precede both,
 * and the {@code Content-Length} cap. Confined to the thread running the pump; the pump owns all
 * concurrency.
 */
final class Outbound {

    private static final Logger LOG = Logger.getLogger(Pump.class.getName());

    private final ResponseHead head;
    /** One chunk at most, except after legacy writes the client could not take on a container thread. */
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>(2);
    /** A file region's slice waiting to be written, instead of a chunk. */
    private ByteBuffer slice;
    private boolean flushOwed;
    private long sent;
    private long accepted;

    Outbound(ResponseHead head) {
        this.head = head;
    }

    /** Takes a non-empty chunk, cut to what {@code Content-Length} still allows. */
    void offer(byte[] data, Object request) {
        int allowed = allowed(data.length, request);
        if (allowed < data.length) {
            data = Arrays.copyOf(data, allowed);
        }
        accepted += data.length;
        if (data.length > 0) {
            chunks.add(data);
        }
    }

    /** Takes a file region's slice, cut to what {@code Content-Length} still allows. */
    void offer(ByteBuffer data, Object request) {
        int allowed = allowed(data.remaining(), request);
        data.limit(data.position() + allowed);
        accepted += allowed;
        slice = allowed == 0 ? null : data;
    }

    /** How many of {@code length} bytes the declared {@code Content-Length} leaves room for; warns of an excess. */
    private int allowed(int length, Object request) {
        long declared = head.declaredLength();
        long room = room();
        if (length > room) {
            LOG.log(Level.WARNING, "{0}: the application yielded {1} bytes but its Content-Length ({2}) leaves"
                    + " room for {3}; the excess is dropped", new Object[] {request, length, declared, room});
            return (int) room;
        }
        return length;
    }

    /** The bytes {@code Content-Length} still allows, or {@link Long#MAX_VALUE} if none was declared. */
    long room() {
        long declared = head.declaredLength();
        return declared < 0 ? Long.MAX_VALUE : declared - accepted;
    }

    boolean hasPending() {
        return !chunks.isEmpty() || slice != null || flushOwed;
    }

    /** Whether the declared {@code Content-Length} is reached: no more chunks may be pulled. */
    boolean lengthReached() {
        long declared = head.declaredLength();
        return declared >= 0 && accepted >= declared;
    }

    /** Whether the body ended short of its declared length (bodyless responses excepted). */
    boolean endedShort(boolean bodyless) {
        return !bodyless && head.declaredLength() > accepted;
    }

    long declared() {
        return head.declaredLength();
    }

    /** Bytes taken from the application and not yet written to the channel. */
    long unsent() {
        return accepted - sent;
    }

    long sent() {
        return sent;
    }

    /**
     * Issues one write or flush if the channel is ready.
     *
     * @param lastUnflushed whether the chunk that completes the declared {@code Content-Length}
     *        may go without its own flush: the exchange completes right after it, on this thread,
     *        and the completion sends it (a plain servlet's way; from a thread not the
     *        container's, Tomcat would hand that send to a thread of its own)
     * @return {@code false} if the channel was not ready (it will signal when it is)
     * @throws ClientGone if the write or flush failed
     */
    boolean drain(Channel channel, boolean lastUnflushed) throws ClientGone {
        if (!channel.isReady()) {
            return false;
        }
        try {
            if (!chunks.isEmpty() || slice != null) {
                sendHead(channel);
                sent += writePending(channel);
                flushOwed = !(lastUnflushed && chunks.isEmpty() && lengthReached());
            } else {
                flushOwed = false;
                channel.flush();
            }
        } catch (java.io.IOException e) {
            throw e instanceof ClientGone gone ? gone : new ClientGone(e);
        }
        return true;
    }

    /** Writes the pending chunk or slice, forgetting it first; returns its length. */
    private int writePending(Channel channel) throws java.io.IOException {
        if (!chunks.isEmpty()) {
            byte[] data = chunks.poll();
            channel.write(data);
            return data.length;
        }
        ByteBuffer data = slice;
        slice = null;
        int length = data.remaining();
        channel.write(data);
        return length;
    }

    void sendHead(Channel channel) {
        if (!head.sent()) {
            head.markSent();
            channel.head(head.code(), head.status(), head.headers());
        }
    }

    /** Forgets a chunk that will never be sent (its response is being replaced by an error page). */
    void discard() {
        chunks.clear();
        slice = null;
        flushOwed = false;
        accepted = sent;
    }
}
