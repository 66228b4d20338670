/**
 * The servers that run inside a function's container. Both listen on /run/fn/fn.sock (a host directory bind-mounted
 * into the container, so the container needs no network at all), answer GET /health and POST /invoke with
 * {event, context} → {result, logs} or {error: {name, message, line}, logs}. One call at a time per container.
 */

export const NODE_SERVER = String.raw`'use strict';
const http = require('node:http');
const fs = require('node:fs');
const util = require('node:util');
const SOCK = '/run/fn/fn.sock';
const MAX_LINES = 100, MAX_CHARS = 2000;
let logs = [];
const record = (level) => (...args) => {
  if (logs.length < MAX_LINES) logs.push((level + ' ' + util.format(...args)).slice(0, MAX_CHARS));
};
console.log = record('info'); console.info = record('info'); console.debug = record('debug');
console.warn = record('warn'); console.error = record('error');
let handler, loadError;
try { handler = require('/app/handler.js'); if (typeof handler !== 'function') throw new TypeError('module.exports must be a function (async (event, context) => response), got ' + typeof handler); }
catch (e) { loadError = e; }
function where(e) { const m = /handler\.js:(\d+):(\d+)/.exec((e && e.stack) || ''); return m ? { line: +m[1], column: +m[2] } : {}; }
function errorOf(e) { return { name: (e && e.name) || 'Error', message: (e && e.message) || String(e), ...where(e) }; }
const server = http.createServer((req, res) => {
  const send = (obj) => { const b = JSON.stringify(obj); res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(b) }); res.end(b); };
  if (req.method === 'GET') return send({ ok: true });
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    logs = [];
    if (loadError) return send({ error: errorOf(loadError), logs });
    try {
      const { event, context } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const result = await handler(event, context);
      let json;
      try { json = JSON.parse(JSON.stringify(result === undefined ? null : result)); } catch (e) { return send({ badResult: true, logs }); }
      send({ result: json, logs });
    } catch (e) { send({ error: errorOf(e), logs }); }
  });
});
try { fs.unlinkSync(SOCK); } catch {}
server.listen(SOCK);
`;

export const PYTHON_SERVER = String.raw`import contextlib, importlib.util, io, json, os, socketserver, sys, traceback
from http.server import BaseHTTPRequestHandler
SOCK = '/run/fn/fn.sock'
MAX_LINES, MAX_CHARS = 100, 2000
handle, load_error = None, None
try:
    spec = importlib.util.spec_from_file_location('handler', '/app/handler.py')
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    handle = getattr(mod, 'handle', None)
    if not callable(handle):
        raise TypeError('handler.py must define handle(event, context) returning a dict')
except BaseException as e:
    load_error = e

def error_of(e):
    line = None
    for frame in traceback.extract_tb(e.__traceback__):
        if frame.filename.endswith('handler.py'):
            line = frame.lineno
    if isinstance(e, SyntaxError) and e.lineno:
        line = e.lineno
    return {'name': type(e).__name__, 'message': str(e), 'line': line}

def lines_of(text):
    return [('info ' + l)[:MAX_CHARS] for l in text.splitlines()][:MAX_LINES]

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def send(self, obj):
        body = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header('content-type', 'application/json')
        self.send_header('content-length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        self.send({'ok': True})
    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get('content-length') or 0))
        if load_error is not None:
            return self.send({'error': error_of(load_error), 'logs': []})
        out = io.StringIO()
        try:
            req = json.loads(raw)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                result = handle(req['event'], req['context'])
            try:
                result = json.loads(json.dumps(result))
            except Exception:
                return self.send({'badResult': True, 'logs': lines_of(out.getvalue())})
            self.send({'result': result, 'logs': lines_of(out.getvalue())})
        except Exception as e:
            self.send({'error': error_of(e), 'logs': lines_of(out.getvalue())})

class Server(socketserver.UnixStreamServer):
    def get_request(self):
        conn, _ = self.socket.accept()
        return conn, ('fn', 0)

with contextlib.suppress(FileNotFoundError):
    os.unlink(SOCK)
Server(SOCK, Handler).serve_forever()
`;
