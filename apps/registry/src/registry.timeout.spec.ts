// The whole-request timeout against a real registry: a client that keeps a body trickling (so the
// idle-body watch never fires) still gets its answer at the request deadline, and nothing it sent
// is kept.
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ERROR_CODES } from '@lynx/schema';
import { TOKENS, sha, startRegistry, type RegistryFixture } from './registry.fixture';

jest.setTimeout(60_000);

const REQUEST_TIMEOUT_MS = 1500;
const IDLE_MS = 1000;
// Well under the idle limit, so only the whole-request deadline can end the upload.
const TRICKLE_EVERY_MS = 100;

interface Trickled {
  status: number;
  body: string;
  closed: boolean;
  bytesSent: number;
}

/** Sends the head, then one body byte every TRICKLE_EVERY_MS until the server answers or closes. */
function trickle(port: number, head: string, maxMs: number): Promise<Trickled> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    let bytesSent = 0;
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearInterval(drip);
      clearTimeout(limit);
      const [headText = '', body = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(headText.split(' ')[1] ?? 0), body, closed, bytesSent });
      socket.destroy();
    };
    socket.on('data', (d) => (data += d.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
    socket.write(`${head}\r\n\r\n`);
    const drip = setInterval(() => {
      if (socket.writable) {
        socket.write('x');
        bytesSent++;
      }
    }, TRICKLE_EVERY_MS);
    const limit = setTimeout(() => finish(false), maxMs);
  });
}

describe('registry: whole-request timeout', () => {
  let r: RegistryFixture;
  let port: number;
  beforeAll(async () => {
    r = await startRegistry({ LYNX_HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), LYNX_HTTP_BODY_IDLE_TIMEOUT_MS: String(IDLE_MS) });
    await r.app.listen(0, '127.0.0.1');
    port = (r.app.getHttpServer().address() as AddressInfo).port;
  }, 120_000);
  afterAll(async () => {
    await r?.close();
  });

  it('answers a blob upload that trickles past the deadline 408 request_timeout, closes it and keeps no .part file', async () => {
    const digest = sha('trickled forever');
    const head = `PUT /v1/blobs/${digest} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKENS.trainer}\r\nContent-Type: application/octet-stream\r\nContent-Length: 1048576`;
    const answer = await trickle(port, head, 20_000);
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body).error.code).toBe(ERROR_CODES.requestTimeout);
    expect(answer.closed).toBe(true);
    // The body kept coming past the idle limit, so the idle watch was not what ended it.
    expect(answer.bytesSent * TRICKLE_EVERY_MS).toBeGreaterThan(IDLE_MS);
    const tmp = join(r.dataDir, 'blobs', 'tmp');
    for (let i = 0; i < 40 && (await readdir(tmp)).length > 0; i++) await new Promise((res) => setTimeout(res, 50));
    expect(await readdir(tmp)).toEqual([]);
    const stored = await r.inject({ method: 'HEAD', url: `/v1/blobs/${digest}`, as: 'reader' });
    expect(stored.statusCode).toBe(404);
  });

  it('answers a JSON body that trickles past the deadline the same way, registering nothing', async () => {
    const head = `POST /v1/models/trickle-model/versions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKENS.trainer}\r\nContent-Type: application/json\r\nContent-Length: 100000`;
    const answer = await trickle(port, head, 20_000);
    expect({ status: answer.status, code: JSON.parse(answer.body || '{}').error?.code, closed: answer.closed }).toEqual({
      status: 408,
      code: ERROR_CODES.requestTimeout,
      closed: true,
    });
    const versions = await r.inject({ method: 'GET', url: '/v1/models/trickle-model/versions' });
    expect(versions.json().items ?? []).toEqual([]);
  });
});
