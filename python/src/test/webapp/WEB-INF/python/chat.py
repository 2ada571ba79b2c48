"""A chat room in Python: a page, a post, and a long poll that sleeps holding no thread until a post wakes it."""

import json
import threading
from urllib.parse import parse_qs

MESSAGES = []
WAITING = set()
_lock = threading.Lock()

PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Python chat</title>
<style>body{font-family:sans-serif;margin:2em}#log{list-style:none;padding:0}#log li{padding:.2em 0}</style>
</head><body>
<h1>Chat, in Python</h1>
<ul id="log"></ul>
<form id="form"><input id="text" name="text" autocomplete="off" required><button>Send</button></form>
<script>
let since = 0;
const log = document.getElementById('log');
async function poll() {
  for (;;) {
    try {
      const r = await fetch('poll?since=' + since);
      const messages = await r.json();
      for (const m of messages) {
        const li = document.createElement('li');
        li.textContent = m;
        log.appendChild(li);
      }
      since += messages.length;
    } catch (e) {
      await new Promise(ok => setTimeout(ok, 500));
    }
  }
}
document.getElementById('form').addEventListener('submit', async e => {
  e.preventDefault();
  const text = document.getElementById('text');
  await fetch('post', {method: 'POST', body: new URLSearchParams({text: text.value})});
  text.value = '';
});
poll();
</script>
</body></html>
"""


def _post(environ, start_response):
    length = int(environ.get('CONTENT_LENGTH') or '0')
    form = parse_qs(environ['wsgi.input'].read(length).decode('utf-8'))
    text = form.get('text', [''])[0].strip()
    if text:
        with _lock:
            MESSAGES.append(text)
            wakers = list(WAITING)
            WAITING.clear()
        for wake in wakers:
            wake()
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'posted']


def _poll(environ, start_response):
    query = parse_qs(environ['QUERY_STRING'])
    since = int(query.get('since', ['0'])[0])
    wake = environ['async.wake']
    start_response('200 OK', [('Content-Type', 'application/json'), ('Cache-Control', 'no-store')])

    def body():
        try:
            while True:
                with _lock:
                    new = MESSAGES[since:]
                    if not new:
                        WAITING.add(wake)
                if new:
                    yield json.dumps(new).encode('utf-8')
                    return
                environ['async.sleep']()
                yield b''
        finally:
            with _lock:
                WAITING.discard(wake)

    return body()


def application(environ, start_response):
    path = environ['PATH_INFO']
    if path == '/chat/post' and environ['REQUEST_METHOD'] == 'POST':
        return _post(environ, start_response)
    if path == '/chat/poll':
        return _poll(environ, start_response)
    start_response('200 OK', [('Content-Type', 'text/html; charset=utf-8'), ('Content-Length', str(len(PAGE)))])
    return [PAGE]
