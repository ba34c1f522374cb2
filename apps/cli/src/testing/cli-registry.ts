// Shared setup of the CLI's integration specs: `lynx …` run in process against a real registry
// child (auth off, LYNX_ENV=dev) that LYNX_REGISTRY_URL, LYNX_NAMESPACE and LYNX_NATS_URL point at.
import { makeTempDir, startRegistryChild, type RegistryChild } from '@lynx/platform/testing';
import { buildProgram } from '../program';

/** Runs `lynx …` in process and returns what it printed. */
export async function lynx(...args: string[]): Promise<string> {
  let printed = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += String(chunk);
    return true;
  });
  try {
    await buildProgram().exitOverride().parseAsync(['node', 'lynx', ...args]);
  } finally {
    spy.mockRestore();
  }
  return printed;
}

export interface CliRegistry {
  registry: RegistryChild;
  /** A temp dir of the spec's own for bundles and pulls. */
  dir: string;
  /** Stops the registry, removes the temp dir and restores process.env. */
  close(): Promise<void>;
}

/** Call in beforeAll; close() in afterAll. */
export async function startCliRegistry(prefix: string): Promise<CliRegistry> {
  const saved = { ...process.env };
  const tmp = await makeTempDir(`lynx-cli-${prefix}-`);
  const registry = await startRegistryChild({ prefix, roles: [], env: { LYNX_ENV: 'dev' } }).catch(async (err) => {
    await tmp.cleanup();
    throw err;
  });
  process.env.LYNX_REGISTRY_URL = registry.url;
  process.env.LYNX_NAMESPACE = registry.ns.namespace;
  process.env.LYNX_NATS_URL = registry.ns.env.LYNX_NATS_URL;
  return {
    registry,
    dir: tmp.dir,
    async close() {
      process.env = saved;
      await registry.stop();
      await tmp.cleanup();
    },
  };
}
