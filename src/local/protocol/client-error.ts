/**
 * Requests the HTTP parser refuses before any handler sees them (headers over the server's limit,
 * malformed request lines, header timeouts). Node's default answer destroys the socket right after
 * writing, so a client still sending (a large header, then a body) gets a connection reset instead
 * of the answer. Here the answer is an AWS-shaped JSON error, the socket is half-closed, and what the
 * client still sends is read and dropped until it closes (or a few seconds pass).
 */
import type { Duplex } from 'node:stream';

const DRAIN_MS = 5000;

const answers: Record<string, [number, string, string, string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'Request Header Fields Too Large',
    'RequestHeaderFieldsTooLarge',
    'The request headers are larger than the server accepts.',
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [
    408,
    'Request Timeout',
    'RequestTimeoutException',
    'Reading the request timed out.',
  ],
};
const badRequest: [number, string, string, string] = [
  400,
  'Bad Request',
  'MalformedHttpRequestException',
  'The request is not valid HTTP.',
];

/** A `clientError` listener for `http.Server` (and Fastify's `clientErrorHandler`). */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, code, message] =
    (err.code !== undefined && Object.hasOwn(answers, err.code) ? answers[err.code] : undefined) ??
    badRequest;
  const body = JSON.stringify({ __type: code, message });
  const timer = setTimeout(() => socket.destroy(), DRAIN_MS);
  timer.unref();
  socket.on('close', () => clearTimeout(timer));
  socket.on('error', () => socket.destroy());
  // Keep reading (and dropping) what the client still sends: closing with unread data sends a reset.
  socket.on('data', () => {});
  socket.resume();
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/x-amz-json-1.1\r\n` +
        `x-amzn-errortype: ${code}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  } else {
    socket.destroy();
  }
}
