package io.jwsgi.server;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The bytes between the application and the channel: at most one chunk (an array, or a file
 * region's slice) waiting to be written (arrays of legacy {@code write} calls on a container
 * thread excepted, see {@link Pump}), a flush owed after the chunks written, the head that must
 * precede both, and the {@code Content-Length} cap. Confined to the thread running the pump; the
 * pump owns all concurrency.
 *
 * <p>By default the flush goes out after every chunk, before the next one is pulled (PEP 3333's
 * no-delay rule). With {@code batchBytes} (an application that never blocks, whose next chunk
 * comes at once) the chunks of one turn are written back to back and the flush waits for the end
 * of the turn ({@link #mustSend}, {@link #flushNow}): no chunk waits for a later turn. The flush
 * goes earlier in three cases: after the write that carried the head, so that the response is
 * committed before the application can fail (the Servlet API can cut only a committed response;
 * one that is not would end as the container's error page); first thing once the output said not
 * ready with bytes unflushed; and before a write that would take the bytes unflushed past
 * {@code batchBytes}, the container's buffer, which the container would otherwise write out by
 * itself. The chunk that completes the declared {@code Content-Length} may go unflushed when the
 * exchange completes right after it on the same thread ({@link #drain}).
 */
final class Outbound {

    private static final Logger LOG = Logger.getLogger(Pump.class.getName());

    private final ResponseHead head;
    private final int batchBytes;
    /** One chunk at most, except after legacy writes the client could not take on a container thread. */
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>(2);
    /** A file region's slice waiting to be written, instead of a chunk. */
    private ByteBuffer slice;
    private boolean flushOwed;
    /** Bytes written since the last flush. */
    private long unflushed;
    /** The flush owed goes before anything else: the last write carried the head, or the output said not ready since. */
    private boolean flushDue;
    private long sent;
    private long accepted;

    /**
     * @param head the response's head, sent before the first byte
     * @param batchBytes how many bytes written may wait for the end of the turn before a flush;
     *     {@code 0}: each chunk is flushed before the next is pulled
     */
    Outbound(ResponseHead head, int batchBytes) {
        this.head = head;
        this.batchBytes = batchBytes;
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

    private boolean hasChunk() {
        return !chunks.isEmpty() || slice != null;
    }

    private long nextLength() {
        return !chunks.isEmpty() ? chunks.peek().length : slice != null ? slice.remaining() : 0;
    }

    boolean hasPending() {
        return hasChunk() || flushOwed;
    }

    /**
     * Whether something must be sent before the next chunk is pulled: the chunk taken, or the
     * flush owed. That flush is due at once by default; when batching, only when the turn ends
     * after this step, after the head's write, or once the output said not ready since the last
     * flush.
     *
     * @param turnEnds whether the pump stops pulling after this step (the application sleeps, the body is over)
     */
    boolean mustSend(boolean turnEnds) {
        return hasChunk() || flushOwed && (batchBytes == 0 || turnEnds || flushDue);
    }

    /** Whether bytes were written since the last flush. */
    boolean flushOwed() {
        return flushOwed;
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
     * Issues one write or flush if the channel is ready: the chunk taken, unless the flush owed
     * must go before it (see the class comment).
     *
     * @param lastUnflushed whether the chunk that completes the declared {@code Content-Length}
     *        may go without its own flush: the exchange completes right after it, on this thread,
     *        and the completion sends it (a plain servlet's way; from a thread not the
     *        container's, Tomcat would hand that send to a thread of its own)
     * @return {@code false} if the channel was not ready (it will signal when it is)
     * @throws ClientGone if the write or flush failed
     */
    boolean drain(Channel channel, boolean lastUnflushed) throws ClientGone {
        boolean flushFirst = flushOwed && (flushDue || !hasChunk() || unflushed + nextLength() > batchBytes);
        return issue(channel, !flushFirst, lastUnflushed);
    }

    /**
     * Issues the flush owed, if any, if the channel is ready; a chunk taken stays for the next
     * turn. For a turn that ends while the application could go on (it yields its thread).
     *
     * @return {@code false} if the channel was not ready (the flush then goes first once it is)
     * @throws ClientGone if the flush failed
     */
    boolean flushNow(Channel channel) throws ClientGone {
        return !flushOwed || issue(channel, false, false);
    }

    private boolean issue(Channel channel, boolean write, boolean lastUnflushed) throws ClientGone {
        if (!channel.isReady()) {
            flushDue = flushOwed;
            return false;
        }
        try {
            if (write) {
                flushDue |= !head.sent();
                sendHead(channel);
                int length = writePending(channel);
                sent += length;
                unflushed += length;
                flushOwed = !(lastUnflushed && !hasChunk() && lengthReached());
            } else {
                flushOwed = false;
                flushDue = false;
                unflushed = 0;
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
        flushDue = false;
        unflushed = 0;
        accepted = sent;
    }
}
