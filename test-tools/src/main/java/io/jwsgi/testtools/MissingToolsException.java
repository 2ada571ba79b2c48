package io.jwsgi.testtools;

import org.opentest4j.TestAbortedException;

/** Skips a test because a program it runs is not installed; carries what is missing and what installs it. */
public final class MissingToolsException extends TestAbortedException {

    private static final long serialVersionUID = 1L;

    private final String missing;
    private final String packages;

    MissingToolsException(String message, String missing, String packages) {
        super(message);
        this.missing = missing;
        this.packages = packages;
    }

    /** The missing programs, comma-separated: {@code "chromium, chromedriver"}. */
    public String missing() {
        return missing;
    }

    /** The Debian packages that install them, space-separated: {@code "chromium chromium-driver"}. */
    public String packages() {
        return packages;
    }
}
