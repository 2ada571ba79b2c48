package io.jwsgi.server;

/**
 * The server ended a response the application had not finished: it went {@code idleMillis}
 * without progress, or the server is shutting down. The client gets {@code 503} if no header went
 * out yet; the connection is cut otherwise.
 */
public final class ResponseEnded extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message why the server ended the response, for the log
     */
    public ResponseEnded(String message) {
        super(message, null, false, false);
    }
}
