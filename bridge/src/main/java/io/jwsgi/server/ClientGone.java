package io.jwsgi.server;

import java.io.IOException;

/** The client connection failed or closed: nothing more can be sent. */
final class ClientGone extends IOException {

    private static final long serialVersionUID = 1L;

    ClientGone(Throwable cause) {
        super("client went away: " + cause, cause);
    }
}
