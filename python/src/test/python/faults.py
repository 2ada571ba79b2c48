"""Applications breaking PEP 3333 on purpose, and one closing counter, for PythonApplicationTest."""

CLOSES = []


def hello(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'hello ', environ['REQUEST_METHOD'].encode('latin-1')]


def yields_str(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return ['not bytes']


def non_latin1_header(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain'), ('X-Name', '\u0100')])
    return [b'never sent']


class Counted:
    def __iter__(self):
        yield b'counted'

    def close(self):
        CLOSES.append(1)


def counted(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return Counted()


def closes(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'%d' % len(CLOSES)]


def echo_body(environ, start_response):
    data = environ['wsgi.input'].read()
    start_response('200 OK', [('Content-Type', 'application/octet-stream')])
    return [data]


def route(environ, start_response):
    return globals()[environ['PATH_INFO'][1:]](environ, start_response)
