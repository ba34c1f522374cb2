import { createServer, type Server } from 'node:http';
import { Command } from 'commander';
import { registerReplayCommands, replaySentences } from './replay';
import { trafficCommand } from './traffic-group';

// A small OpenAI-shaped HTTP endpoint standing in for the router: the test checks what replay sends.
function upstream(status = 200): Promise<{ url: string; bodies: Array<{ model: string; messages: Array<{ content: string }> }>; server: Server }> {
  const bodies: Array<{ model: string; messages: Array<{ content: string }> }> = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      if (req.url === '/v1/chat/completions') bodies.push(JSON.parse(data));
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, bodies, server })));
}

describe('lynx traffic replay', () => {
  it('sends every generated sentence once as a chat completion', async () => {
    const u = await upstream();
    try {
      let done = 0;
      const r = await replaySentences(u.url, 'grammar-tutor', ['He goed home.', 'She have a dog.', 'They is here.'], 2, () => done++);
      expect(r).toEqual({ sent: 3, ok: 3, failed: 0 });
      expect(done).toBe(3);
      expect(u.bodies.map((b) => b.messages[0].content).sort()).toEqual(['He goed home.', 'She have a dog.', 'They is here.']);
      expect(u.bodies.every((b) => b.model === 'grammar-tutor')).toBe(true);
    } finally {
      u.server.close();
    }
  });

  it('counts upstream failures', async () => {
    const u = await upstream(502);
    try {
      expect(await replaySentences(u.url, 'm', ['a', 'b'], 4)).toMatchObject({ ok: 0, failed: 2, firstError: 'HTTP 502' });
    } finally {
      u.server.close();
    }
  });

  it('joins the shared traffic group and rejects a bad shift', async () => {
    const program = new Command().exitOverride();
    registerReplayCommands(program);
    expect(trafficCommand(program).commands.map((c) => c.name())).toEqual(['replay']);
    expect(program.commands.filter((c) => c.name() === 'traffic')).toHaveLength(1);
    await expect(program.parseAsync(['node', 'lynx', 'traffic', 'replay', '--to', 'http://127.0.0.1:9', '--shift', 'tense.nope=+3%', '--quiet'])).rejects.toThrow(
      /--shift: unknown tense bucket "nope"/,
    );
  });
});
