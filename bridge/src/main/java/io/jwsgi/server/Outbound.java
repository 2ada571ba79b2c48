package io.jwsgi.server;

import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The bytes between the application and the channel: at most one chunk waiting to be written, a
 * flush owed after the chunks written, the head that must precede both, and the
 * {@code Content-Length} cap. Confined to the thread running the pump; the pump owns all concurrency.
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
 * itself.
 */
final class Outbound {

    private static final Logger LOG = Logger.getLogger(Pump.class.getName());

    private final ResponseHead head;
    private final int batchBytes;
    private byte[] chunk;
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
        long declared = head.declaredLength();
        long room = declared < 0 ? Long.MAX_VALUE : declared - accepted;
        if (data.length > room) {
            LOG.log(Level.WARNING, "{0}: the application yielded {1} bytes but its Content-Length ({2}) leaves"
                    + " room for {3}; the excess is dropped", new Object[] {request, data.length, declared, room});
            data = Arrays.copyOf(data, (int) room);
        }
        accepted += data.length;
        chunk = data.length == 0 ? null : data;
    }

    boolean hasPending() {
        return chunk != null || flushOwed;
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
        return chunk != null || flushOwed && (batchBytes == 0 || turnEnds || flushDue);
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

    long sent() {
        return sent;
    }

    /**
     * Issues one write or flush if the channel is ready: the chunk taken, unless the flush owed
     * must go before it (see the class comment).
     *
     * @return {@code false} if the channel was not ready (it will signal when it is)
     * @throws ClientGone if the write or flush failed
     */
    boolean drain(Channel channel) throws ClientGone {
        boolean flushFirst = flushOwed && (flushDue || chunk == null || unflushed + chunk.length > batchBytes);
        return issue(channel, !flushFirst);
    }

    /**
     * Issues the flush owed, if any, if the channel is ready; a chunk taken stays for the next
     * turn. For a turn that ends while the application could go on (it yields its thread).
     *
     * @return {@code false} if the channel was not ready (the flush then goes first once it is)
     * @throws ClientGone if the flush failed
     */
    boolean flushNow(Channel channel) throws ClientGone {
        return !flushOwed || issue(channel, false);
    }

    private boolean issue(Channel channel, boolean write) throws ClientGone {
        if (!channel.isReady()) {
            flushDue = flushOwed;
            return false;
        }
        try {
            if (write) {
                flushDue |= !head.sent();
                sendHead(channel);
                byte[] data = chunk;
                chunk = null;
                flushOwed = true;
                unflushed += data.length;
                channel.write(data);
                sent += data.length;
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

    void sendHead(Channel channel) {
        if (!head.sent()) {
            head.markSent();
            channel.head(head.code(), head.status(), head.headers());
        }
    }

    /** Forgets a chunk that will never be sent (its response is being replaced by an error page). */
    void discard() {
        chunk = null;
        flushOwed = false;
        flushDue = false;
        unflushed = 0;
        accepted = sent;
    }
}
