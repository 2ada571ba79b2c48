"""Hello world, for HelloBench: the same bytes as its Java twin."""

BODY = b'Hello, world!\n'
HEADERS = [('Content-Type', 'text/plain'), ('Content-Length', str(len(BODY)))]


def application(environ, start_response):
    start_response('200 OK', HEADERS)
    return [BODY]
