"""A chat room as a Python WSGI application (PEP 3333), served by JWSGI on GraalPy.

Routes (relative to the servlet's mapping):
  GET  /                 the page (chat.html, next to this file)
  POST /post             text=<message>: appends it and wakes every waiting poll
  GET  /poll?since=<n>   JSON {"messages": [...], "next": <n>}: the messages from number n on;
                         when there are none yet, the response sleeps (async.sleep) holding no
                         thread until a post wakes it (async.wake)
  GET  /status           JSON {"messages": <count>, "listening": <polls asleep>}

The messages live in this process's memory (the last HISTORY of them): one chat room per web
application, lost on restart. Every request shares this module (one interpreter, wsgi.multithread).
"""

import json
import os
import threading
from urllib.parse import parse_qs

HISTORY = 100
MAX_POST = 4096

with open(os.path.join(os.path.dirname(__file__), 'chat.html'), 'rb') as f:
    PAGE = f.read()

_lock = threading.Lock()
_messages = []      # the last HISTORY messages
_first = 0          # the number of _messages[0]
_listening = set()  # async.wake of every poll asleep


def _json(start_response, value, status='200 OK'):
    body = json.dumps(value).encode('utf-8')
    start_response(status, [('Content-Type', 'application/json'), ('Cache-Control', 'no-store'),
                            ('Content-Length', str(len(body)))])
    return [body]


def _text(start_response, status, text):
    body = text.encode('utf-8')
    start_response(status, [('Content-Type', 'text/plain; charset=utf-8'), ('Content-Length', str(len(body)))])
    return [body]


def _since(number):
    """The messages from `number` on and the number after them; from the oldest kept if `number` is out of range."""
    start = number - _first
    if start < 0 or start > len(_messages):
        start = 0
    return _messages[start:], _first + len(_messages)


def post(environ, start_response):
    try:
        length = int(environ.get('CONTENT_LENGTH') or '0')
    except ValueError:
        return _text(start_response, '400 Bad Request', 'Content-Length is not a number\n')
    if length > MAX_POST:
        return _text(start_response, '413 Content Too Large', 'at most %d bytes\n' % MAX_POST)
    form = parse_qs(environ['wsgi.input'].read(length).decode('utf-8', 'replace'))
    text = form.get('text', [''])[0].strip()
    if not text:
        return _text(start_response, '400 Bad Request', 'form field text is empty\n')
    global _first
    with _lock:
        _messages.append(text)
        if len(_messages) > HISTORY:
            del _messages[0]
            _first += 1
        wakers = list(_listening)
        _listening.clear()
    for wake in wakers:  # outside the lock: a woken poll takes it again
        wake()
    return _text(start_response, '200 OK', 'posted\n')


def poll(environ, start_response):
    try:
        since = int(parse_qs(environ['QUERY_STRING']).get('since', ['0'])[0])
    except ValueError:
        return _text(start_response, '400 Bad Request', 'since is not a number\n')
    wake, sleep = environ['async.wake'], environ['async.sleep']
    start_response('200 OK', [('Content-Type', 'application/json'), ('Cache-Control', 'no-store')])

    def body():
        try:
            while True:
                with _lock:
                    new, after = _since(since)
                    if not new:
                        # registered under the lock: a post after this line sees it and wakes us
                        _listening.add(wake)
                if new:
                    yield json.dumps({'messages': new, 'next': after}).encode('utf-8')
                    return
                sleep()
                yield b''  # the bridge suspends the response here until wake() is called
        finally:  # also when the client leaves: the bridge closes the generator
            with _lock:
                _listening.discard(wake)

    return body()


def status(environ, start_response):
    with _lock:
        return _json(start_response, {'messages': _first + len(_messages), 'listening': len(_listening)})


def page(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/html; charset=utf-8'), ('Content-Length', str(len(PAGE)))])
    return [PAGE]


ROUTES = {
    ('GET', '/'): page,
    ('POST', '/post'): post,
    ('GET', '/poll'): poll,
    ('GET', '/status'): status,
}


def application(environ, start_response):
    route = ROUTES.get((environ['REQUEST_METHOD'], environ['PATH_INFO'] or '/'))
    if route is None:
        return _text(start_response, '404 Not Found', 'no such page: %s %s\n'
                     % (environ['REQUEST_METHOD'], environ['PATH_INFO']))
    return route(environ, start_response)
