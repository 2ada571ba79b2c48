"""Test applications, each wrapped in wsgiref.validate.validator; every complaint is recorded.

Warnings are errors here (WSGIWarning included). A complaint raised while calling the application,
while iterating its body or while closing it, and any exception Python could not raise (an iterator
collected without being closed, say), goes to FAILURES, which /judge returns.
"""

import hashlib
import json
import sys
import threading
import warnings
from wsgiref.simple_server import demo_app

import chat
from wsgiref.validate import validator

warnings.simplefilter('error')

FAILURES = []
_lock = threading.Lock()


def _record(where, error):
    with _lock:
        FAILURES.append('%s: %s: %s' % (where, type(error).__name__, error))


def _unraisable(unraisable):
    _record('unraisable in %r' % (unraisable.object,), unraisable.exc_value)


sys.unraisablehook = _unraisable


class _Judged:
    """Records AssertionError and warnings raised by the validator at any step, then lets them through."""

    def __init__(self, app):
        self._app = validator(app)

    def __call__(self, environ, start_response):
        where = environ.get('PATH_INFO', '?')
        try:
            return _JudgedBody(self._app(environ, start_response), where)
        except (AssertionError, Warning) as e:
            _record(where, e)
            raise


class _JudgedBody:
    def __init__(self, body, where):
        self._body = body
        self._iterator = iter(body)
        self._where = where

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self._iterator)
        except (AssertionError, Warning) as e:
            _record(self._where, e)
            raise

    def close(self):
        try:
            self._body.close()
        except (AssertionError, Warning) as e:
            _record(self._where, e)
            raise


TEXT = [('Content-Type', 'text/plain; charset=utf-8')]


def echo(environ, start_response):
    """The environ's native strings and a few wsgi.* values as JSON (bytes as str: latin-1)."""
    shown = {k: v for k, v in environ.items() if type(v) is str}
    shown['wsgi.version'] = list(environ['wsgi.version'])
    for key in ('wsgi.multithread', 'wsgi.multiprocess', 'wsgi.run_once', 'wsgi.input_terminated'):
        shown[key] = environ[key]
    shown['types'] = sorted({type(v).__name__ for k, v in environ.items() if '.' not in k})
    environ['wsgi.errors'].write('echo %s\n' % environ['PATH_INFO'])
    environ['wsgi.errors'].writelines(['flushed', '\n'])
    environ['wsgi.errors'].flush()
    body = json.dumps(shown, sort_keys=True).encode('utf-8')
    start_response('200 OK', [('Content-Type', 'application/json'), ('Content-Length', str(len(body)))])
    return [body]


def stream(environ, start_response):
    count = int(environ['QUERY_STRING'] or '10')
    start_response('200 OK', TEXT)
    for i in range(count):
        yield b'chunk %d\n' % i


def upload(environ, start_response):
    """Reads the body the way the query says (readline, iter, readlines, read); answers lines and SHA-256."""
    how = environ['QUERY_STRING']
    body = environ['wsgi.input']
    digest = hashlib.sha256()
    lines = 0
    if how == 'readline':
        while True:
            line = body.readline()
            if not line:
                break
            lines += 1
            digest.update(line)
    elif how == 'iter':
        for line in body:
            lines += 1
            digest.update(line)
    elif how == 'readlines':
        for line in body.readlines():
            lines += 1
            digest.update(line)
    else:
        while True:
            block = body.read(1000)
            if not block:
                break
            lines += block.count(b'\n')
            digest.update(block)
    start_response('200 OK', TEXT)
    return [b'%d %s' % (lines, digest.hexdigest().encode('ascii'))]


def error_before_headers(environ, start_response):
    start_response('200 OK', TEXT)
    try:
        raise ValueError('failed before the body')
    except ValueError:
        start_response('500 Internal Server Error', TEXT, sys.exc_info())
    return [b'replaced by the error page']


RERAISED = []


def error_after_headers(environ, start_response):
    start_response('200 OK', TEXT)
    yield b'first part\n'
    try:
        raise KeyError('failed in the middle of the body')
    except KeyError as original:
        try:
            start_response('500 Internal Server Error', TEXT, sys.exc_info())
        except KeyError as again:
            RERAISED.append(again is original)
            raise
        RERAISED.append(False)


def write_callable(environ, start_response):
    write = start_response('200 OK', TEXT)
    write(b'written, ')
    write(b'')
    return [b'then returned']


def file_wrapper(environ, start_response):
    start_response('200 OK', [('Content-Type', 'application/octet-stream')])
    return environ['wsgi.file_wrapper'](open(__file__, 'rb'), 4096)


SLEEPERS = {}
CLOSED = []


def sleep(environ, start_response):
    """A long poll: sleeps until /wake wakes it, holding no thread; then answers with its own key."""
    key = environ['QUERY_STRING']
    start_response('200 OK', TEXT)

    def body():
        try:
            with _lock:
                SLEEPERS[key] = environ['async.wake']
            environ['async.sleep']()
            yield b''
            yield b'woke ' + key.encode('latin-1') + b'\n'
        finally:
            with _lock:
                SLEEPERS.pop(key, None)
                CLOSED.append(key)

    return body()


def wake(environ, start_response):
    with _lock:
        wakers = list(SLEEPERS.values())
    for waker in wakers:
        waker()
    start_response('200 OK', TEXT)
    return [b'%d' % len(wakers)]


GATE = threading.Event()
BLOCKED = []


def block(environ, start_response):
    """Holds its bridge thread in Python, waiting on a threading.Event until /unblock sets it."""
    with _lock:
        BLOCKED.append(1)
    opened = GATE.wait(90)
    start_response('200 OK', TEXT)
    return [b'unblocked' if opened else b'timed out']


def unblock(environ, start_response):
    GATE.set()
    start_response('200 OK', TEXT)
    return [b'set']


def state(environ, start_response):
    with _lock:
        body = json.dumps({'failures': FAILURES, 'asleep': len(SLEEPERS), 'closed': len(CLOSED),
                           'reraised': RERAISED, 'waiting': len(chat.WAITING),
                           'blocked': len(BLOCKED)}).encode('utf-8')
    start_response('200 OK', [('Content-Type', 'application/json')])
    return [body]


ROUTES = {
    '/demo': demo_app,
    '/echo': echo,
    '/stream': stream,
    '/upload': upload,
    '/error/before': error_before_headers,
    '/error/after': error_after_headers,
    '/write': write_callable,
    '/file': file_wrapper,
    '/sleep': sleep,
    '/wake': wake,
    '/chat': chat.application,
    '/block': block,
    '/unblock': unblock,
}
JUDGED = {path: _Judged(app) for path, app in ROUTES.items()}


def application(environ, start_response):
    path = environ['PATH_INFO']
    if path == '/judge':
        return state(environ, start_response)
    app = JUDGED.get(path) or JUDGED.get('/' + path.split('/')[1])
    if app is None:
        start_response('404 Not Found', TEXT)
        return [b'no route ' + path.encode('latin-1')]
    return app(environ, start_response)
