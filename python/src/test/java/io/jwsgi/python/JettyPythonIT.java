package io.jwsgi.python;

/** The Python WSGI contract on Jetty 12 (ee11). */
class JettyPythonIT extends PythonWsgiContract {

    @Override
    WebServer start() throws Exception {
        return WebServer.jetty(WebServer.webapp());
    }
}
