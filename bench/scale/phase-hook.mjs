// Times each request's phases inside a server, with no change to its source: loaded with
// `node --import ./bench/scale/phase-hook.mjs` (or NODE_OPTIONS), it wraps node:http's prototypes.
//
//   pre    'request' event -> the request's 'end' event (the body read)
//   answer the 'end' event -> `writeHead` (route, checks, handler, the answer's bytes)
//   send   `writeHead` -> `end` returns (Node's head, the socket write: the syscall included)
//   post   `end` returns -> the response's 'finish' event
//
// Means in us per X-Amz-Target action, written to $PHASE_OUT (or stderr) on SIGINT, SIGTERM or exit.
// Same for any node:http server (ours, noop-server.mjs), so both can be compared phase by phase.
//
//   PHASE_OUT=/tmp/ours.txt node --import ./bench/scale/phase-hook.mjs bin/ecs-console.mjs local ...
//   URL=... PID=... node bin/run-ts.mjs bench/scale/server-cpu.ts --runs 5   # then kill -INT PID
import http from 'node:http';
import net from 'node:net';
import { writeFileSync } from 'node:fs';

const stats = new Map();
const of = (action) => {
  let s = stats.get(action);
  if (!s)
    stats.set(
      action,
      (s = {
        n: 0,
        pre: 0,
        answer: 0,
        send: 0,
        post: 0,
        total: 0,
        head: 0,
        io: 0,
        writes: 0,
        chunks: 0,
        bytes: 0,
      }),
    );
  return s;
};
/** Per request: its action and its marks (ms, performance.now()). */
const marks = new WeakMap();

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, res) {
  if (event === 'request') {
    const target = req.headers['x-amz-target'];
    const m = {
      action: typeof target === 'string' ? target.slice(target.lastIndexOf('.') + 1) : `${req.method} other`,
      start: performance.now(),
      read: NaN,
      head: NaN,
      sent: NaN,
      headMs: 0,
      ioMs: 0,
      writes: 0,
      chunks: 0,
      bytes: 0,
    };
    marks.set(req, m);
    marks.set(res, m);
    req.once('end', () => (m.read = performance.now()));
    res.once('finish', () => {
      const end = performance.now();
      if (Number.isNaN(m.read) || Number.isNaN(m.head) || Number.isNaN(m.sent)) return;
      const s = of(m.action);
      s.n++;
      s.pre += m.read - m.start;
      s.answer += m.head - m.read;
      s.send += m.sent - m.head;
      s.post += end - m.sent;
      s.total += end - m.start;
      s.head += m.headMs;
      s.io += m.ioMs;
      s.writes += m.writes;
      s.chunks += m.chunks;
      s.bytes += m.bytes;
    });
  }
  return emit.apply(this, arguments);
};

const writeHead = http.ServerResponse.prototype.writeHead;
http.ServerResponse.prototype.writeHead = function () {
  const m = marks.get(this);
  if (m && Number.isNaN(m.head)) m.head = performance.now();
  const r = writeHead.apply(this, arguments);
  if (m) m.headMs += performance.now() - m.head;
  return r;
};
// The socket's write (Node's stream_base writeGeneric/writev: the syscall included).
let current;
for (const name of ['_writeGeneric']) {
  const original = net.Socket.prototype[name];
  net.Socket.prototype[name] = function (writev, data) {
    if (current) {
      current.writes++;
      if (writev) {
        current.chunks += data.length;
        for (const c of data) current.bytes += c.chunk.length;
      } else {
        current.chunks++;
        current.bytes += data.length;
      }
    }
    const t = performance.now();
    const r = original.apply(this, arguments);
    if (current) current.ioMs += performance.now() - t;
    return r;
  };
}
const end = http.ServerResponse.prototype.end;
http.ServerResponse.prototype.end = function () {
  const m = marks.get(this);
  if (m && Number.isNaN(m.head)) m.head = performance.now(); // no writeHead: the head is made in end
  current = m;
  const r = end.apply(this, arguments);
  current = undefined;
  if (m && Number.isNaN(m.sent)) m.sent = performance.now();
  return r;
};

let written = false;
function report() {
  if (written) return;
  written = true;
  const us = (x, n) => ((1000 * x) / n).toFixed(1).padStart(7);
  const lines = [
    'action                        n    total      pre   answer     send     post  (head   socket write: us, writes, chunks, bytes)',
  ];
  for (const [action, s] of [...stats].sort((a, b) => b[1].n - a[1].n))
    lines.push(
      `${action.padEnd(26)} ${String(s.n).padStart(5)} ${us(s.total, s.n)}  ${us(s.pre, s.n)}  ${us(s.answer, s.n)}  ${us(s.send, s.n)}  ${us(s.post, s.n)}  (${us(s.head, s.n)} ${us(s.io, s.n)} ${(s.writes / s.n).toFixed(1)} ${(s.chunks / s.n).toFixed(1)} ${(s.bytes / s.n).toFixed(0)})`,
    );
  const text = lines.join('\n') + '\n';
  if (process.env.PHASE_OUT) writeFileSync(process.env.PHASE_OUT, text);
  else process.stderr.write(text);
}
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    report();
    process.exit(0);
  });
process.on('exit', report);
