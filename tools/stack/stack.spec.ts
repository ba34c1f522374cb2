import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stackConfig, StackConfig } from './config';
import { isOurs, readPid } from './local-process';
import { probeNats, probeRedis } from './probes';
import { down, formatTable, StackError, status, up } from './stack';
import { freePort } from '@lynx/platform/testing';

jest.setTimeout(30_000);

/** A port nothing listens on right now: the OS hands one out, we close it again. */

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lynx-stack-'));
}

describe('stack status against the services this machine runs', () => {
  it('reports NATS and Redis up, started outside this data dir', async () => {
    const config = { ...stackConfig(process.env), dataDir: tempDir() };
    const states = await status(config);
    expect(states.map((s) => s.service)).toEqual(expect.arrayContaining(['nats', 'redis']));
    for (const s of states) expect(s).toMatchObject({ state: 'up', startedBy: 'external' });
    expect(formatTable(states).split('\n')[0]).toMatch(/^service\s+url\s+state\s+started-by$/);
    fs.rmSync(config.dataDir, { recursive: true, force: true });
  });

  it('down leaves services it did not start alone', async () => {
    const config = { ...stackConfig(process.env), dataDir: tempDir() };
    expect(await down(config)).toEqual([]);
    expect((await probeNats(config.natsUrl)).up).toBe(true);
    expect((await probeRedis(config.redisUrl)).up).toBe(true);
    fs.rmSync(config.dataDir, { recursive: true, force: true });
  });
});

describe('stack up / down on free ports', () => {
  let config: StackConfig;

  beforeAll(async () => {
    const dataDir = tempDir();
    config = stackConfig({
      PATH: process.env.PATH,
      LYNX_DATA_DIR: dataDir,
      LYNX_NATS_URL: `nats://127.0.0.1:${await freePort()}`,
      LYNX_REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    });
  });

  afterAll(async () => {
    await down(config); // in case an assertion failed between up and down
    fs.rmSync(config.dataDir, { recursive: true, force: true });
  });

  it('starts nats-server with JetStream and redis-server, then stops exactly those', async () => {
    const started = await up(config);
    expect(started).toEqual([
      expect.objectContaining({ service: 'nats', state: 'up', startedBy: 'lynx' }),
      expect.objectContaining({ service: 'redis', state: 'up', startedBy: 'lynx' }),
    ]);
    const natsPid = readPid(path.join(config.dataDir, 'run', 'nats.pid'))!;
    const redisPid = readPid(path.join(config.dataDir, 'run', 'redis.pid'))!;
    expect(isOurs(natsPid, 'nats-server')).toBe(true);
    expect(isOurs(redisPid, 'redis-server')).toBe(true);
    expect(fs.existsSync(path.join(config.dataDir, 'nats', 'jetstream'))).toBe(true);

    // A second `up` reuses what answers instead of starting more servers.
    const again = await up(config);
    expect(again.map((s) => s.pid)).toEqual([natsPid, redisPid]);
    expect((await status(config)).map((s) => s.startedBy)).toEqual(['lynx', 'lynx']);

    expect(await down(config)).toEqual(['nats', 'redis']);
    expect(isOurs(natsPid, 'nats-server')).toBe(false);
    expect(isOurs(redisPid, 'redis-server')).toBe(false);
    expect((await status(config)).map((s) => s.state)).toEqual(['down', 'down']);
    expect(fs.existsSync(path.join(config.dataDir, 'run', 'nats.pid'))).toBe(false);
  });

  it('says how to install a missing server and exits without starting anything', async () => {
    const noBinaries = { ...config, searchPath: [tempDir()] };
    const err = await up(noBinaries).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StackError);
    expect((err as Error).message).toContain('apt-get install nats-server redis-server');
    expect((await probeNats(config.natsUrl)).up).toBe(false);
    fs.rmSync(noBinaries.searchPath[0], { recursive: true, force: true });
  });

  it('names pg_ctlcluster when LYNX_DATABASE_URL points at a Postgres that does not answer', async () => {
    const withPg = { ...config, databaseUrl: `postgres://postgres@127.0.0.1:${await freePort()}/postgres` };
    const err = await up(withPg).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/pg_ctlcluster \S+ main start/);
    await down(withPg);
  });
});
