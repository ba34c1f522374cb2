import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERROR_CODES, LynxError, PayloadTooLargeError, UnsupportedMediaTypeError } from '@lynx/schema';
import { checkUtf8Charset, parseJsonText } from './json-guards';
import { SlotList } from './slot-list';

export type RawRouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Counts one answered raw-route request in the app's HTTP metrics. */
export type RawRouteRecorder = (method: string, route: string, status: number, seconds: number) => void;

/**
 * Hot routes answered on Node's request event, before Fastify sees the request. A proxy route pays
 * Fastify's per-request work (request and reply objects, hooks, the content-type parser, whose
 * `AsyncResource.bind` per body sends garbage straight to the old generation) on every call;
 * here it pays a map lookup. Routes match by method and exact path (query string ignored).
 * Handlers are added after the app is created (they need its providers); until then every
 * request goes to Fastify. createLynxApp keeps the HTTP metrics and the graceful-close
 * `Connection: close` for these routes as Fastify does for its own.
 */
export class RawRoutes {
  private readonly routes = new Map<string, { route: string; handler: RawRouteHandler }>();
  // Not a Set: see SlotList.
  private readonly inFlight = new SlotList<ServerResponse>();
  private closing = false;

  add(method: string, path: string, handler: RawRouteHandler): void {
    this.routes.set(`${method} ${path}`, { route: path, handler });
  }

  /**
   * Called by createLynxApp for each raw-route request; onClose runs when its answer is done or
   * aborted. Once the app is closing, answers carry `Connection: close` so keep-alive sockets end
   * with them (as the platform's onSend hook does for Fastify's routes).
   */
  track(res: ServerResponse, onClose: () => void): void {
    if (this.closing) res.setHeader('connection', 'close');
    const slot = this.inFlight.add(res);
    res.once('close', () => {
      this.inFlight.remove(slot);
      onClose();
    });
  }

  /** The app is closing: requests still in flight answer with `Connection: close` too. */
  close(): void {
    this.closing = true;
    for (const res of this.inFlight.values()) if (!res.headersSent) res.setHeader('connection', 'close');
  }

  match(req: IncomingMessage): { route: string; handler: RawRouteHandler } | undefined {
    if (this.routes.size === 0) return undefined;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    return this.routes.get(`${req.method} ${q < 0 ? url : url.slice(0, q)}`);
  }
}

/**
 * Reads a JSON request body as Fastify's parser would: `application/json` only (415), at most
 * `limit` bytes (413, checked against Content-Length before reading and while reading), UTF-8 (415
 * for another declared charset), not empty and well-formed (400), nested at most MAX_JSON_DEPTH
 * (400, before anything walks it), and no `__proto__` or `constructor.prototype` keys (400).
 */
export async function readJsonBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<unknown> {
  const type = req.headers['content-type'];
  const media = type === undefined ? '' : type.split(';', 1)[0].trim().toLowerCase();
  if (media !== 'application/json') {
    throw new UnsupportedMediaTypeError(`unsupported content type ${JSON.stringify(type ?? '')}: send the body as application/json`);
  }
  checkUtf8Charset(type);
  const tooLarge = () => {
    // The rest of the body is never read: close the connection once the answer is out.
    res.setHeader('connection', 'close');
    return new PayloadTooLargeError(`request body is larger than ${limit} bytes`, { limit });
  };
  if (Number(req.headers['content-length'] ?? 0) > limit) throw tooLarge();
  const { chunks, size } = await readBody(req, limit, tooLarge);
  const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
  // NULs pass here: these routes store nothing, and a prompt may quote any text.
  return parseJsonText(text, { refuseNul: false });
}

// Events rather than `for await`: one body is usually one chunk, and the async iterator costs
// more than the read itself on a proxy's hot path.
function readBody(req: IncomingMessage, limit: number, tooLarge: () => Error): Promise<{ chunks: Buffer[]; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.removeListener('data', onData);
      req.pause();
      reject(tooLarge());
    };
    req.on('data', onData);
    req.once('end', () => resolve({ chunks, size }));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new LynxError(ERROR_CODES.badRequest, 'the client closed the connection before the body arrived', 400));
    });
  });
}
