"""The server side of PEP 3333 for JWSGI's Python applications, run inside GraalPy.

The Java side (io.jwsgi.python.PythonApplication) calls handle() once per request with an
Exchange: a Java object exporting the request's CGI values (already native latin-1 strings), the
body, the error log, the bridge's start_response and write, and async.sleep/async.wake. Body bytes
cross between Java and Python as latin-1 strings: one character per byte, converted in bulk on
both sides (a Java byte[] read element by element from Python would cost a call per byte).
"""

import sys


class Input:
    """wsgi.input: the request body, read from the container through the Exchange.

    read(n) returns n bytes unless the body ends first, as a buffered file does: parsers of
    multipart bodies count on it. The body ends at Content-Length or at the end of a chunked
    upload (wsgi.input_terminated).
    """

    __slots__ = ('_exchange',)

    def __init__(self, exchange):
        self._exchange = exchange

    def read(self, size=-1):
        if size is None or size < 0:
            return self._exchange.readAll().encode('latin-1')
        return self._exchange.read(_count('read', size)).encode('latin-1')

    def readline(self, size=-1):
        if size is None or size < 0:
            size = -1
        else:
            size = _count('readline', size)
        return self._exchange.readLine(size).encode('latin-1')

    def readlines(self, hint=-1):
        lines = []
        total = 0
        while True:
            line = self.readline()
            if not line:
                return lines
            lines.append(line)
            total += len(line)
            if hint is not None and 0 < hint <= total:
                return lines

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line


class Errors:
    """wsgi.errors: text written here goes to the container's log, a line at a time."""

    __slots__ = ('_exchange',)

    def __init__(self, exchange):
        self._exchange = exchange

    def write(self, text):
        if type(text) is not str:
            raise TypeError('PEP 3333: wsgi.errors.write takes a str, got %s' % type(text).__name__)
        self._exchange.log(text)

    def writelines(self, seq):
        for text in seq:
            self.write(text)

    def flush(self):
        self._exchange.flush()


class FileWrapper:
    """wsgi.file_wrapper: reads the file-like object in blocks; close() closes it."""

    def __init__(self, filelike, blksize=8192):
        self.filelike = filelike
        self.blksize = blksize
        if hasattr(filelike, 'close'):
            self.close = filelike.close

    def __iter__(self):
        return self

    def __next__(self):
        data = self.filelike.read(self.blksize)
        if data:
            return data
        raise StopIteration


def _count(name, size):
    if type(size) is not int:
        raise TypeError('wsgi.input.%s takes an int size, got %s' % (name, type(size).__name__))
    return size


def _text(what, value):
    if type(value) is not str:
        raise TypeError('PEP 3333: the %s must be a str, got %s %r' % (what, type(value).__name__, value))
    try:
        value.encode('latin-1')
    except UnicodeEncodeError:
        raise ValueError('PEP 3333: the %s must hold only latin-1 characters, got %r' % (what, value)) from None
    return value


def _flat(headers):
    if type(headers) is not list:
        raise TypeError('PEP 3333: response_headers must be a list, got %s' % type(headers).__name__)
    flat = []
    for header in headers:
        if type(header) is not tuple or len(header) != 2:
            raise TypeError('PEP 3333: each response header must be a (name, value) tuple, got %r' % (header,))
        flat.append(_text('header name', header[0]))
        flat.append(_text('value of header ' + header[0], header[1]))
    return flat


def _responder(exchange):
    def write(data):
        if type(data) is not bytes:
            raise TypeError('PEP 3333: write() takes bytes, got %s' % type(data).__name__)
        if data:
            exchange.write(data.decode('latin-1'))

    def start_response(status, response_headers, exc_info=None):
        status = _text('status', status)
        flat = _flat(response_headers)
        if exc_info is not None:
            try:
                if exchange.start(status, flat, True):
                    # The headers went out: PEP 3333 says re-raise the application's own error.
                    raise exc_info[1].with_traceback(exc_info[2])
            finally:
                exc_info = None
        else:
            exchange.start(status, flat, False)
        return write

    return start_response


def handle(app, exchange, cgi):
    """Calls the WSGI application; returns its iterable (the Java side iterates and closes it)."""
    environ = {}
    for i in range(0, len(cgi), 2):
        environ[cgi[i]] = cgi[i + 1]
    environ['wsgi.version'] = (1, 0)
    environ['wsgi.url_scheme'] = exchange.scheme()
    environ['wsgi.input'] = Input(exchange)
    environ['wsgi.errors'] = Errors(exchange)
    environ['wsgi.multithread'] = True
    environ['wsgi.multiprocess'] = False
    environ['wsgi.run_once'] = False
    environ['wsgi.input_terminated'] = True
    environ['wsgi.file_wrapper'] = FileWrapper
    environ['async.sleep'] = lambda: exchange.sleep()
    environ['async.wake'] = lambda: exchange.wake()
    return Result(app(environ, _responder(exchange)))


class Result:
    """The application's iterable and its iterator, kept together so close() reaches the iterable."""

    __slots__ = ('iterable', 'iterator')

    def __init__(self, iterable):
        self.iterable = iterable
        self.iterator = None


def next_chunk(result):
    """The next bytes chunk, or None at the end."""
    if result.iterator is None:
        result.iterator = iter(result.iterable)
    try:
        chunk = next(result.iterator)
    except StopIteration:
        return None
    if type(chunk) is not bytes:
        raise TypeError('PEP 3333: the application must yield bytes, got %s %r' % (type(chunk).__name__, chunk[:40]
                                                                                  if hasattr(chunk, '__getitem__') else chunk))
    return chunk


def close(result):
    """Calls the iterable's close(), if it has one; the Java side calls this once."""
    closer = getattr(result.iterable, 'close', None)
    if closer is not None:
        closer()


def load(spec):
    """Imports the callable named like gunicorn does: 'module:callable' ('module' alone means 'module:application')."""
    import importlib
    module_name, _, name = spec.partition(':')
    name = name or 'application'
    module = importlib.import_module(module_name)
    target = module
    for part in name.split('.'):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise ImportError('python-app %r: module %r has no attribute %r' % (spec, module_name, name)) from None
    if not callable(target):
        raise TypeError('python-app %r names a %s, which is not callable' % (spec, type(target).__name__))
    return target
