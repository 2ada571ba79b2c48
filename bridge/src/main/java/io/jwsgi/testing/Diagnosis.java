package io.jwsgi.testing;

import io.jwsgi.server.Pump;

/** Says where a mock exchange is stuck, for the messages of a test that waited in vain. */
final class Diagnosis {

    private static final int STACK_FRAMES = 8;

    private Diagnosis() {
    }

    /** Describes the exchange's state; call with the loop's lock held. */
    static String state(Pump pump, MockChannel channel, MockLoop loop) {
        if (pump.isDone()) {
            return "the response ended";
        }
        if (pump.isSleeping()) {
            return "the application is asleep (async.sleep) and nothing woke it";
        }
        if (channel.awaitingClient() && (loop.idle() || pump.isWriteBlocked())) {
            return "the response waits for the client, which is not ready (see clientReady and clientTakes)";
        }
        if (!loop.idle()) {
            StringBuilder at = new StringBuilder("the application still runs on " + loop.thread().getName()
                    + " (blocked in call, hasNext or next?), at");
            StackTraceElement[] stack = loop.thread().getStackTrace();
            for (int i = 0; i < Math.min(STACK_FRAMES, stack.length); i++) {
                at.append("\n\tat ").append(stack[i]);
            }
            return at.toString();
        }
        return "nothing is scheduled";
    }
}
