import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { freePort } from '@lynx/platform/testing';

const root = resolve(__dirname, '../../..');

/** Runs the real CLI with only the given service variables set. */
function lynx(env: Record<string, string>, ...args: string[]) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^LYNX_.*_(URL|PORT)$/.test(k)));
  return spawnSync(process.execPath, [join(root, 'tools/bin/lynx.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...clean, ...env }, timeout: 60_000 });
}

// A service moved with LYNX_<APP>_PORT (as `npm start` moves it) is found there by every command.
describe('the CLI finds each service by its URL or port variable', () => {
  it.each([
    ['gate', 'LYNX_GATE_PORT', 'LYNX_GATE_URL', ['canary', 'status', 'grammar-tutor']],
    ['drift worker', 'LYNX_DRIFT_WORKER_PORT', 'LYNX_DRIFT_URL', ['drift', 'reports', 'grammar-tutor']],
  ])('the %s at LYNX_<APP>_PORT, and LYNX_<APP>_URL over it', async (service, portVariable, urlVariable, args) => {
    const port = await freePort();
    const byPort = lynx({ [portVariable]: String(port) }, ...args);
    expect(byPort.status).toBe(2);
    expect(byPort.stderr).toContain(`cannot reach the ${service} at http://127.0.0.1:${port}`);
    expect(byPort.stderr).toContain(urlVariable);
    const other = await freePort();
    const byUrl = lynx({ [portVariable]: String(port), [urlVariable]: `http://127.0.0.1:${other}/` }, ...args);
    expect(byUrl.stderr).toContain(`cannot reach the ${service} at http://127.0.0.1:${other}`);
  });
});
