// What a hostile client sends to any Lynx app, against the platform's real HTTP server: bodies
// from unknown tokens, bodies that stall, NULs in paths, other charsets, absurdly nested JSON.
// Each answer is a 4xx with a stable code, and comes without waiting for the rest of a body.
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startTestApp } from '../fixtures/test-app';
import { makeTempDir, rawRequest, testNamespace, writeTokensFile, type TestNamespace } from '../testing';

jest.setTimeout(60_000);

describe('platform HTTP: hostile requests', () => {
  let ns: TestNamespace;
  let tmp: { dir: string; cleanup(): Promise<void> };
  let app: NestFastifyApplication;
  let port: number;
  const token = 'hostile-test-operator';
  const auth = `Authorization: Bearer ${token}`;

  beforeAll(async () => {
    tmp = await makeTempDir('lynx-hostile-');
    const tokensFile = await writeTokensFile(tmp.dir, [{ token, role: 'operator', name: 'op' }]);
    ns = testNamespace('hostile', { LYNX_TOKENS_FILE: tokensFile, LYNX_HTTP_BODY_IDLE_TIMEOUT_MS: '400', LYNX_HTTP_REQUEST_TIMEOUT_MS: '3000' });
    app = await startTestApp({ env: ns.env });
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app?.close();
    await ns.cleanup();
    await tmp.cleanup();
  });

  it('answers 401 to a body from no token or an unknown one before the body has arrived', async () => {
    for (const who of ['', 'Authorization: Bearer not-a-token\r\n']) {
      const res = await rawRequest(port, `POST /t/echo HTTP/1.1\r\nHost: x\r\n${who}Content-Type: application/json\r\nContent-Length: 1048576`, '{"name":', 3000);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body).error.code).toBe('unauthorized');
      expect(res.headers.connection).toBe('close');
    }
  });

  it('answers 408 to a body that stops arriving, and closes the connection', async () => {
    const res = await rawRequest(port, `POST /t/echo HTTP/1.1\r\nHost: x\r\n${auth}\r\nContent-Type: application/json\r\nContent-Length: 100`, '{"name":', 3000);
    expect(res.status).toBe(408);
    expect(JSON.parse(res.body).error.code).toBe('request_timeout');
    expect(res.headers.connection).toBe('close');
  });

  it('refuses a NUL in the path or the query with 400 nul_byte', async () => {
    for (const path of ['/t/read%00', '/t/read?x=a%00b', '/t/conflict%00/x']) {
      const res = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: x\r\n${auth}`);
      expect({ path, status: res.status, code: JSON.parse(res.body).error.code }).toEqual({ path, status: 400, code: 'nul_byte' });
    }
  });

  it('refuses a body declared in another charset with 415, before reading it', async () => {
    for (const charset of ['utf-16', 'UTF-16LE', 'ebcdic-cp-us', 'latin1']) {
      const body = '{"name":"a","n":1}';
      const res = await rawRequest(port, `POST /t/echo HTTP/1.1\r\nHost: x\r\n${auth}\r\nContent-Type: application/json; charset=${charset}\r\nContent-Length: ${body.length}`, body);
      expect({ charset, status: res.status, code: JSON.parse(res.body).error.code }).toEqual({ charset, status: 415, code: 'unsupported_media_type' });
    }
    const ok = await rawRequest(port, `POST /t/echo HTTP/1.1\r\nHost: x\r\n${auth}\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: 18`, '{"name":"a","n":1}');
    expect(ok.status).toBe(201);
  });

  it('refuses JSON nested deeper than the limit, and NULs in JSON strings or keys, with stable codes', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const post = (body: string) => rawRequest(port, `POST /t/parse HTTP/1.1\r\nHost: x\r\n${auth}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}`, body);
    const tooDeep = await post(deep);
    expect({ status: tooDeep.status, code: JSON.parse(tooDeep.body).error.code }).toEqual({ status: 400, code: 'json_too_deep' });
    for (const body of ['{"name":"a\\u0000b","n":1}', '{"name":"a","n":1,"x\\u0000":1}']) {
      const res = await post(body);
      expect({ status: res.status, code: JSON.parse(res.body).error.code }).toEqual({ status: 400, code: 'nul_byte' });
    }
    // 64 levels still pass the parser (and reach the handler's own validation).
    const fine = await post(`{"name":"a","n":1,"x":${'['.repeat(60)}${']'.repeat(60)}}`);
    expect(fine.status).toBe(400);
    expect(JSON.parse(fine.body).error.code).toBe('validation_failed');
  });
});
