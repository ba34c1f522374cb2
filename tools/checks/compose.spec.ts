import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { PORTS } from '@lynx/schema';

const root = path.join(__dirname, '..', '..');
const composeFile = path.join(root, 'docker-compose.yml');

interface Service {
  image?: string;
  build?: { context?: string; args?: Record<string, string> };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition?: string }>;
  command?: string[] | string;
  volumes?: string[];
  healthcheck?: { test: string[] | string };
}

function commandOf(service: Service): string[] {
  return Array.isArray(service.command) ? service.command : (service.command ?? '').split(/\s+/);
}

/** Two consecutive arguments, e.g. `--appendonly yes`. */
function hasFlag(args: string[], flag: string, value?: string): boolean {
  const i = args.indexOf(flag);
  return i >= 0 && (value === undefined || args[i + 1] === value);
}

describe('docker-compose.yml', () => {
  const compose = parse(fs.readFileSync(composeFile, 'utf8')) as { services: Record<string, Service> };

  it('is valid for docker-compose', () => {
    const result = spawnSync('docker-compose', ['-f', composeFile, 'config', '-q'], { encoding: 'utf8', cwd: root });
    if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      throw new Error('docker-compose is not installed: run `apt-get install docker-compose` (bash .ci/run installs it)');
    }
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    const gpu = spawnSync('docker-compose', ['-f', composeFile, '--profile', 'gpu', 'config', '-q'], { encoding: 'utf8', cwd: root });
    expect({ status: gpu.status, stderr: gpu.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('runs from a fresh clone: the model server pulls from the registry, a seed pushes the variants, Prometheus and Grafana are provisioned', () => {
    const ms = compose.services['model-server'];
    // No host folder of bundles to make by hand: every mount is a named volume.
    expect(ms.volumes?.every((v) => !v.startsWith('.') && !v.startsWith('$'))).toBe(true);
    expect(ms.environment?.LYNX_REGISTRY_URL).toContain('http://registry:7101');
    const seed = compose.services.seed as Service & { restart?: string };
    expect(seed.restart).toBe('no');
    expect(seed.depends_on?.registry).toEqual({ condition: 'service_healthy' });
    expect(fs.existsSync(path.join(root, 'tools', 'seed', 'seed.sh'))).toBe(true);
    for (const [service, file] of [['prometheus', 'deploy/prometheus.yml'], ['prometheus', 'deploy/alerts.yml'], ['grafana', 'deploy/grafana/provisioning'], ['grafana', 'deploy/grafana/dashboards']]) {
      expect(compose.services[service].volumes?.some((v) => v.startsWith(`./${file}:`))).toBe(true);
      expect(fs.existsSync(path.join(root, file))).toBe(true);
    }
  });

  it('runs NATS with JetStream on a volume', () => {
    const nats = compose.services.nats;
    expect(commandOf(nats)).toContain('-js');
    expect(hasFlag(commandOf(nats), '-sd', '/data')).toBe(true);
    expect(nats.volumes?.some((v) => v.endsWith(':/data'))).toBe(true);
  });

  it('runs Redis with AOF and without eviction', () => {
    const args = commandOf(compose.services.redis);
    expect(hasFlag(args, '--appendonly', 'yes')).toBe(true);
    expect(hasFlag(args, '--maxmemory-policy', 'noeviction')).toBe(true);
    expect(compose.services.redis.volumes?.length).toBeGreaterThan(0);
  });

  it('has postgres, and a healthcheck on every service', () => {
    expect(compose.services.postgres?.image).toMatch(/^postgres:/);
    const withoutHealthcheck = Object.entries(compose.services)
      .filter(([, service]) => !service.healthcheck?.test?.length)
      .map(([name]) => name);
    expect(withoutHealthcheck).toEqual([]);
  });
});

describe('docker-compose.yml: the Lynx apps', () => {
  const compose = parse(fs.readFileSync(composeFile, 'utf8'), { merge: true }) as { services: Record<string, Service> };
  const apps = ['registry', 'router', 'gate', 'drift-worker', 'cost-emitter'] as const;

  it.each(apps)('%s is built from the one Dockerfile with APP, on its own port, probed over HTTP', (app) => {
    const service = compose.services[app];
    expect(service?.build).toEqual({ context: '.', args: { APP: app } });
    const portVar = `LYNX_${app.toUpperCase().replace(/-/g, '_')}_PORT`;
    expect(service.environment?.[portVar]).toBe(String(PORTS[app]));
    expect(commandOf({ command: service.healthcheck?.test }).join(' ')).toContain(`http://127.0.0.1:${PORTS[app]}/readyz`);
  });

  it.each(apps)('%s knows where NATS, Redis and the registry are, and starts after them', (app) => {
    const service = compose.services[app];
    expect(service.environment).toMatchObject({ LYNX_NATS_URL: 'nats://nats:4222', LYNX_REDIS_URL: 'redis://redis:6379', LYNX_REGISTRY_URL: 'http://registry:7101' });
    const needs = app === 'registry' ? ['nats', 'redis', 'postgres'] : ['nats', 'redis', 'registry'];
    for (const dep of needs) expect(service.depends_on?.[dep]).toEqual({ condition: 'service_healthy' });
  });

  it('points the registry at postgres and the router at an upstreams file that exists', () => {
    expect(compose.services.registry.environment?.LYNX_DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
    const mount = compose.services.router.volumes?.find((v) => v.endsWith(':/app/lynx.upstreams.yaml:ro')) ?? '';
    const hostPath = /^\$\{[A-Z_]+:-([^}]+)\}/.exec(mount)?.[1] ?? mount.split(':')[0];
    expect(fs.existsSync(path.join(root, hostPath))).toBe(true);
  });

  it("runs the router on one core with GC on its main thread, else as the image's CMD runs an app", () => {
    const router = compose.services.router as Service & { cpus?: number | string };
    expect(Number(router.cpus)).toBe(1);
    const cmd = /^CMD (\[.*\])$/m.exec(fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8'))?.[1];
    const imageCmd = JSON.parse(cmd ?? '[]') as string[];
    expect(imageCmd.at(-1)).toBe('dist/app/main.js');
    const args = commandOf(router);
    expect(args.filter((a) => a !== '--single-threaded-gc')).toEqual(imageCmd);
    expect(args).toContain('--single-threaded-gc');
  });
});

describe('Dockerfile and Prometheus config', () => {
  it('builds one app chosen by ARG APP with build-app.js in a separate build stage', () => {
    const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM node:20-bookworm-slim AS \w+$/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^ARG APP$/m);
    expect(dockerfile).toMatch(/^RUN node tools\/build\/build-app\.js "\$APP"$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  it('scrapes every service on the port libs/schema gives it', () => {
    const prom = parse(fs.readFileSync(path.join(root, 'deploy', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = Object.fromEntries(prom.scrape_configs.map((job) => [job.job_name, job.static_configs.flatMap((s) => s.targets)]));
    expect(targets).toEqual(Object.fromEntries(Object.entries(PORTS).map(([app, port]) => [app, [`${app}:${port}`]])));
  });
});
