package io.jwsgi.docs;

/** A subscription to a {@link Room}. */
interface Subscription {
    void cancel();
}
