package io.jwsgi.it;

import java.net.URI;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the container under test before a test class and stops it after:
 * {@code @RegisterExtension static final ContainerExtension server = new ContainerExtension(deployment);}
 */
final class ContainerExtension implements BeforeAllCallback, AfterAllCallback {

    private final Deployment deployment;
    private Container container;

    ContainerExtension(Deployment deployment) {
        this.deployment = deployment;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        container = Container.start(deployment);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (container != null) {
            container.stop();
            container = null;
        }
    }

    /** The name of the container under test: jetty, tomcat10 or tomcat11. */
    String name() {
        return Container.name();
    }

    int port() {
        return container.port();
    }

    URI uri(String pathAndQuery) {
        return container.uri(pathAndQuery);
    }
}
