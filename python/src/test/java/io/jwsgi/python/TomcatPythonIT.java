package io.jwsgi.python;

/** The Python WSGI contract on Tomcat 11. */
class TomcatPythonIT extends PythonWsgiContract {

    @Override
    WebServer start() throws Exception {
        return WebServer.tomcat(WebServer.webapp());
    }
}
