// Test helper: HTTP/1.1 over a bare socket, for what fetch cannot do — send part of a body and
// stall, or send bytes no client library would — and see what the server answers, and when.
import { connect } from 'node:net';

export interface RawAnswer {
  /** 0 when nothing came back before the wait ended. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** ms from the first byte sent to the answer (or to giving up). */
  ms: number;
  /** The server closed the connection. */
  closed: boolean;
}

/**
 * Writes `head` (request line and headers, without the blank line) and `body`, then keeps the
 * connection open without sending more, and resolves with the first whole answer, or after
 * `waitMs` with status 0.
 */
export function rawRequest(port: number, head: string, body: string | Buffer = '', waitMs = 5000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let closed = false;
    let done = false;
    const finish = (status: number, headers: Record<string, string> = {}, text = '') => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ status, headers, body: text, ms: Date.now() - started, closed });
      socket.destroy();
    };
    const parse = () => {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      const lines = data.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(lines[0].split(' ')[1]);
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const rest = data.subarray(end + 4);
      const length = Number(headers['content-length'] ?? NaN);
      if (Number.isFinite(length) ? rest.length >= length : closed) finish(status, headers, rest.subarray(0, Number.isFinite(length) ? length : undefined).toString('utf8'));
    };
    const timer = setTimeout(() => finish(0), waitMs);
    socket.on('data', (d: Buffer) => {
      data = Buffer.concat([data, d]);
      parse();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      parse();
      finish(0);
    });
    socket.write(`${head}\r\n\r\n`);
    if (body.length) socket.write(body);
  });
}
