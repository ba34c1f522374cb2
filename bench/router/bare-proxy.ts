// The floor for a proxy in Node.js on this machine, for the router benchmark: Node's HTTP server
// and an undici pool, the JSON body parsed and sent on with the upstream's model name, the answer
// parsed and written back. No auth, plan, metrics, events or error handling: what any Node data
// plane pays before it does anything of its own. Prints its URL; argv: the upstream's base URL.
import { createServer } from 'node:http';
import { Pool } from 'undici';

const upstream = new URL(process.argv[2]);
const pool = new Pool(upstream.origin, { connections: 256 });
const path = `${upstream.pathname.replace(/\/+$/, '')}/chat/completions`;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const answer = await pool.request({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, model: 'lora' }) });
      const bytes = Buffer.from(await answer.body.arrayBuffer());
      JSON.parse(bytes.toString('utf8'));
      res.writeHead(answer.statusCode, ['content-type', 'application/json']).end(bytes);
    } catch (err) {
      res.writeHead(502).end(String(err));
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${port}` })}\n`);
});
process.once('SIGTERM', () => process.exit(0));
