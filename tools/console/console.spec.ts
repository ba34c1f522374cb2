import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { readItems } from '@lynx/tutor';
import { MODEL, http, lynx } from '../demo/context';
import { ask, production, replay, semverFor, setPlan } from '../demo/steps';
import { waitFor } from '../demo/wait';
import { launchChromium, screenshot, seriousViolations, signIn } from './browser';
import { startScenario, type Scenario } from './scenario';

// The console in real Chromium over the real services (as the demo starts them): each page shows
// the registry's digests and the figures the services compute; a rollback from the Traffic page
// moves production and the router follows; a reader gets no controls and a forged one is refused.
jest.setTimeout(10 * 60_000);

const root = path.join(__dirname, '..', '..');
const short = (d: string) => d.slice(7, 19);

function ensureBuilt(): void {
  // `npm test` builds the pages first; a targeted `npx jest` run builds them when missing.
  if (fs.existsSync(path.join(root, 'dist', 'apps', 'console', 'web', 'index.html'))) return;
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'apps/console/web/vite.config.mjs'], { cwd: root, stdio: 'inherit' });
}

describe('the console in Chromium', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lynx-console-'));
  let s: Scenario;
  let browser: Browser;
  let operator: Page;
  let reader: Page;
  const times: { shadow?: string; lora?: string } = {};
  const digests: Record<'base' | 'int8' | 'lora', string> = { base: '', int8: '', lora: '' };

  const servedRequests = async (digest: string): Promise<number> => {
    const { body } = await http<{ versions: Array<{ digest: string; requests: number }> }>(s.ctx, undefined, 'reader', 'GET', `${s.ctx.urls.registry}/v1/models/${MODEL}/served`);
    return body.versions.find((v) => v.digest === digest)?.requests ?? 0;
  };

  beforeAll(async () => {
    ensureBuilt();
    s = await startScenario(root, dir);
    for (const v of ['base', 'int8', 'lora'] as const) digests[v] = s.ctx.bundles[v]!.digest;
    const { ctx, m } = s;
    // Base answers; a copy of half the requests goes to lora (shadow pairs, inference events, costs).
    await setPlan(ctx, m, { strategy: 'shadow', primary: 'production', shadow: digests.lora, percent: 50 }, 'console test: shadow lora');
    await replay(ctx, m, 200, 7);
    // Sentences of the eval set too, so the Shadow page can grade both sides per bucket.
    for (const item of (await readItems(path.join(root, 'data/eval/grammar-eval.jsonl'))).slice(0, 60)) await ask(ctx, item.input);
    await http(ctx, m, 'operator', 'POST', `${ctx.urls.drift}/v1/drift/windows/close`);
    // Base serves over more than a whole second, so the picker (whole seconds) has a moment inside it.
    for (const until = Date.now() + 2_000; Date.now() < until; ) await ask(ctx, 'he goed home');
    // Lora through the gate (a verdict with its per-bucket table), then served alone for a while.
    await setPlan(ctx, m, { strategy: 'single' }, 'console test: production only');
    await lynx(ctx, m, 'ci', ['gate', 'promote', `${MODEL}@${digests.lora}`, '--semver', await semverFor(ctx, digests.lora), '--reason', 'console test: lora passes']);
    await waitFor('the router to serve lora', 30_000, async () => ((await ask(ctx)).digest === digests.lora ? true : undefined));
    for (let i = 0; i < 20; i++) {
      await ask(ctx, i % 2 ? 'she have two cats' : 'yesterday he goed to school');
      if (i === 9) times.lora = new Date().toISOString(); // lora production and serving, to the millisecond
    }
    // The cost emitter posts usage a few seconds after each window: wait until both versions served.
    await waitFor('usage rollups of base and lora', 60_000, async () => ((await servedRequests(digests.base)) > 0 && (await servedRequests(digests.lora)) > 0 ? true : undefined));
    // The picker takes whole seconds: the first whole second of base's serving, as the registry has
    // it. Usage arrives rollup by rollup, so wait until what was posted spans that second (the
    // first rollup alone may cover less than a second of base's serving).
    times.shadow = await waitFor('base served across a whole second', 60_000, async () => {
      const { body } = await http<{ versions: Array<{ digest: string; first_served: string; last_served: string }> }>(ctx, undefined, 'reader', 'GET', `${ctx.urls.registry}/v1/models/${MODEL}/served`);
      const baseServed = body.versions.find((v) => v.digest === digests.base);
      if (!baseServed) return undefined;
      const second = Math.ceil(Date.parse(baseServed.first_served) / 1000) * 1000;
      return second <= Date.parse(baseServed.last_served) ? new Date(second).toISOString() : undefined;
    });
    browser = await launchChromium();
    operator = (await signIn(browser, s.consoleUrl, s.setup.tokens.operator)).page;
    reader = (await signIn(browser, s.consoleUrl, s.setup.tokens.reader)).page;
  });

  afterAll(async () => {
    await browser?.close();
    await s?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('Models: production digest and semver, plan, requests, and live updates over server-sent events', async () => {
    await operator.goto(`${s.consoleUrl}/models`);
    const row = operator.locator(`tr[data-model="${MODEL}"]`);
    await row.locator('[data-field="production"]').getByRole('link', { name: short(digests.lora) }).waitFor();
    await expectText(row.locator('[data-field="plan"]'), /single \(rev \d+\)/);
    const requests = async () => Number((await row.locator('[data-field="requests"]').innerText()).replace(/,/g, ''));
    await waitUntil(async () => (await requests()) >= 200);
    const before = await requests();
    for (let i = 0; i < 5; i++) await ask(s.ctx);
    // No reload: the page refetches when the console's event stream says the model served.
    await waitUntil(async () => (await requests()) >= before + 5);
    await screenshot(operator, root, 'models');
  });

  it('Versions: every digest with its aliases and figures, sortable, filtered by tag on the server', async () => {
    await operator.goto(`${s.consoleUrl}/models/${MODEL}/versions`);
    const table = operator.getByTestId('versions-table');
    for (const v of Object.values(digests)) await table.locator(`tr[data-digest="${v}"]`).waitFor();
    const lora = table.locator(`tr[data-digest="${digests.lora}"]`);
    await expectText(lora, /production/);
    await expectText(lora, /\blora\b/);
    const cells = await lora.locator('td').allInnerTexts();
    expect(Number(cells[7].replace(/,/g, ''))).toBeGreaterThan(0); // requests
    expect(cells[5]).toMatch(/^\d+\.\d+$/); // USD per 1k tokens
    expect(cells[4]).toMatch(/^0\.\d+$/); // gate accuracy
    await operator.getByRole('button', { name: /^Requests/ }).click();
    await operator.getByRole('button', { name: /^Requests/ }).click(); // descending
    expect(operator.url()).toContain('sort=requests&dir=desc');
    const first = await table.locator('tbody tr').first().getAttribute('data-digest');
    expect([digests.base, digests.lora]).toContain(first);
    await screenshot(operator, root, 'versions');
    await operator.setViewportSize({ width: 1280, height: 300 });
    await screenshot(operator, root, 'readme-versions', false); // the README's picture (docs/)
    await operator.setViewportSize({ width: 1400, height: 900 });
    await operator.getByLabel('Tag (key or key=value)').fill('variant=int8');
    await operator.getByRole('button', { name: 'Filter' }).click();
    await waitUntil(async () => (await table.locator('tbody tr').count()) === 1);
    expect(await table.locator('tbody tr').first().getAttribute('data-digest')).toBe(digests.int8);
    expect(operator.url()).toContain('tag=variant%3Dint8');
  });

  it('what was production and what served at a moment: the time picker, and the same view from a shared URL', async () => {
    await operator.goto(`${s.consoleUrl}/models/${MODEL}/versions`);
    await operator.getByLabel('At (UTC)').fill(times.shadow!.slice(0, 19));
    await operator.getByRole('button', { name: 'Show production then' }).click();
    const at = operator.getByTestId('at-time');
    await expectText(at.locator('[data-field="production-at"]'), new RegExp(short(digests.base)));
    await expectText(at.locator('[data-field="served-at"]'), new RegExp(short(digests.base)));
    expect(decodeURIComponent(operator.url())).toContain(`t=${times.shadow}`);
    await screenshot(operator, root, 'versions-at-time');
    await operator.goto(`${s.consoleUrl}/models/${MODEL}/versions?t=${encodeURIComponent(times.lora!)}`);
    await expectText(operator.getByTestId('at-time').locator('[data-field="production-at"]'), new RegExp(`${short(digests.lora)}.*promote`));
    await expectText(operator.getByTestId('at-time').locator('[data-field="served-at"]'), new RegExp(short(digests.lora)));
  });

  it('Version: files and sizes, lineage graph with links, the verdict with its buckets, alias moves', async () => {
    await operator.goto(`${s.consoleUrl}/models/${MODEL}/versions/${digests.lora}`);
    await expectText(operator.getByTestId('version-facts'), new RegExp(digests.lora));
    const files = operator.getByTestId('files').locator('tbody tr');
    await waitUntil(async () => (await files.count()) > 0);
    expect(await files.first().locator('td').nth(1).innerText()).toMatch(/^\d[\d,]*$/);
    const graph = operator.getByTestId('lineage-graph');
    await expectText(operator.locator('h2', { hasText: 'Lineage' }), /Lineage/);
    expect(await graph.locator('a').count()).toBeGreaterThanOrEqual(3);
    await expectText(operator.locator('section[aria-label^="Verdict"]').first(), /PASS/);
    expect(await operator.locator('section[aria-label^="Verdict"] table tbody tr').count()).toBeGreaterThan(1);
    await expectText(operator.locator('#moves ~ table').first(), /promote/);
    await screenshot(operator, root, 'version');
    await operator.setViewportSize({ width: 1280, height: 720 });
    await screenshot(operator, root, 'readme-version', false);
    await operator.setViewportSize({ width: 1400, height: 900 });
    await graph.getByRole('link', { name: /parent version/ }).click();
    await expectText(operator.getByTestId('version-facts'), new RegExp(digests.base));
  });

  it('Traffic: an operator rolls production back with a reason; the registry moves and the router follows', async () => {
    await operator.goto(`${s.consoleUrl}/models/${MODEL}/traffic`);
    await expectText(operator.getByTestId('plan'), /Plan: single/);
    await expectText(operator.getByTestId('plan').locator('[data-field="arm-digest"]').first(), new RegExp(short(digests.lora)));
    await operator.getByTestId('live-arms').waitFor();
    await screenshot(operator, root, 'traffic');
    await operator.getByRole('button', { name: 'Roll back production' }).click();
    await operator.getByLabel("Reason (kept in the registry's history)").fill('console test: back to base');
    await operator.getByRole('button', { name: 'Confirm' }).click();
    await operator.getByRole('status').filter({ hasText: 'done' }).waitFor();
    expect((await production(s.ctx))?.digest).toBe(digests.base);
    await waitFor('the router to serve base again', 10_000, async () => ((await ask(s.ctx)).digest === digests.base ? true : undefined));
    await expectText(operator.getByTestId('plan').locator('[data-field="arm-digest"]').first(), new RegExp(short(digests.base)));
    await screenshot(operator, root, 'traffic-after-rollback');
  });

  it('a reader sees every page but no control, and a forged control request is refused with 403', async () => {
    await reader.goto(`${s.consoleUrl}/models/${MODEL}/traffic`);
    await reader.getByTestId('plan').waitFor();
    expect(await reader.getByRole('group', { name: 'Operator controls' }).count()).toBe(0);
    expect(await reader.getByRole('button', { name: /Roll back|Pause|Abort|Promote|Switch/ }).count()).toBe(0);
    await screenshot(reader, root, 'traffic-reader');
    const before = (await production(s.ctx))?.digest;
    const forged = await reader.evaluate(async (model) => {
      const res = await fetch(`/api/models/${model}/rollback`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-lynx-console': '1' }, body: JSON.stringify({ reason: 'forged' }) });
      return { status: res.status, body: (await res.json()) as { error: { code: string } } };
    }, MODEL);
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('forbidden');
    expect((await production(s.ctx))?.digest).toBe(before);
  });

  it('Traffic: an operator pauses, then aborts a canary; each change is a plan revision with its reason', async () => {
    // int8 has no gate verdict: an admin's audited override lets it be the canary under test.
    await setPlan(s.ctx, s.m, { strategy: 'canary', stable: 'production', canary: digests.int8, weight: 10 }, 'console test: canary int8', 'console test: a canary to pause and abort');
    // The gate's analysis, measuring twice a second, so the timeline has several measurements.
    const gate = `http://127.0.0.1:${s.setup.ports.gate}/v1/gate/canaries/${MODEL}`;
    await http(s.ctx, s.m, 'operator', 'POST', gate, { interval_ms: 500 });
    const measured = async () => (await http<{ measurements: unknown[] }>(s.ctx, undefined, 'reader', 'GET', `${gate}/measurements`)).body.measurements.length;
    await waitUntil(async () => (await measured()) >= 3, 60_000).catch(async (err) => {
      // Say what the analysis did, so a miss tells "measured slowly" from "stopped early".
      const status = await http(s.ctx, undefined, 'reader', 'GET', gate);
      throw new Error(`${(err as Error).message}: ${await measured()} measurements; status ${JSON.stringify(status.body).slice(0, 1500)}`);
    });
    await operator.goto(`${s.consoleUrl}/models/${MODEL}/traffic`);
    await expectText(operator.getByTestId('plan'), /Plan: canary/);
    const timeline = operator.getByTestId('canary-timeline');
    await timeline.locator('tbody tr').nth(2).waitFor();
    // Newest first: each row a measurement at 10 % with its result and its checks' figures.
    const first = timeline.locator('tbody tr').first();
    await expectText(first.locator('[data-field="result"]'), /^(pass|fail|inconclusive)$/);
    await expectText(first, /pass rate: .* n \d+/);
    expect(await timeline.locator('tbody tr td:nth-child(3)').first().textContent()).toBe('10');
    expect(await timeline.locator('figure svg, svg').count()).toBeGreaterThan(0);
    const plan = async () => (await http<{ plan: { status?: string; weight: number } }>(s.ctx, undefined, 'reader', 'GET', `${s.ctx.urls.registry}/v1/traffic/${MODEL}`)).body.plan;
    for (const [button, status] of [['Pause canary', 'paused'], ['Abort canary', 'aborted']] as const) {
      await operator.getByRole('button', { name: button }).click();
      await operator.getByLabel("Reason (kept in the registry's history)").fill(`console test: ${status}`);
      await operator.getByRole('button', { name: 'Confirm' }).click();
      await waitUntil(async () => (await plan()).status === status);
      await expectText(operator.getByTestId('plan'), new RegExp(`Plan: canary .*${status}`));
    }
    expect((await plan()).weight).toBe(0);
    // The rollout's timeline stays after the abort.
    expect(await timeline.locator('tbody tr').count()).toBeGreaterThanOrEqual(3);
    await screenshot(operator, root, 'traffic-canary-aborted');
    await setPlan(s.ctx, s.m, { strategy: 'single' }, 'console test: production only again');
  });

  it('Drift, Shadow, Costs and Audit show the services’ figures', async () => {
    await operator.goto(`${s.consoleUrl}/models/${MODEL}/drift`);
    await operator.getByTestId('drift-windows').waitFor();
    expect(await operator.getByTestId('drift-windows').locator('tbody tr').count()).toBeGreaterThan(0);
    await screenshot(operator, root, 'drift');

    await operator.goto(`${s.consoleUrl}/models/${MODEL}/shadow`);
    const summary = operator.getByTestId('shadow-summary');
    await expectText(summary, /Pairs\s*\d+/);
    await expectText(summary.locator('[data-field="agreement"]'), /\d+\.\d %/);
    expect(await operator.locator('figure.chart svg').count()).toBeGreaterThanOrEqual(2);
    expect(await operator.getByTestId('shadow-buckets').locator('tbody tr').count()).toBeGreaterThan(0);
    await screenshot(operator, root, 'shadow');

    await operator.goto(`${s.consoleUrl}/models/${MODEL}/costs`);
    const base = operator.getByTestId('costs-table').locator(`tr[data-digest="${digests.base}"]`);
    await expectText(base.locator('[data-field="usd"]'), /^\d+\.\d+$/);
    await expectText(base.locator('[data-field="cpqu"]'), /^\d+\.\d+$/);
    await screenshot(operator, root, 'costs');

    await operator.goto(`${s.consoleUrl}/audit?model=${MODEL}&action=rollback`);
    await expectText(operator.getByTestId('audit-table'), /demo-operator.*\n?.*rollback/);
    await screenshot(operator, root, 'audit');
    await operator.goto(`${s.consoleUrl}/audit?model=${MODEL}&actor=nobody`);
    await operator.getByText('No audit entry matches these filters.').waitFor();
  });

  it('axe-core finds no serious or critical violation on any page', async () => {
    const pages = ['/models', `/models/${MODEL}/versions`, `/models/${MODEL}/versions/${digests.lora}`, `/models/${MODEL}/traffic`, `/models/${MODEL}/drift`, `/models/${MODEL}/shadow`, `/models/${MODEL}/costs`, '/audit'];
    const found: Record<string, unknown> = {};
    for (const p of pages) {
      await operator.goto(`${s.consoleUrl}${p}`);
      await operator.locator('main h1').first().waitFor();
      await operator.waitForLoadState('networkidle').catch(() => undefined);
      const v = await seriousViolations(operator);
      if (v.length) found[p] = v;
    }
    const login = await browser.newPage();
    await login.goto(`${s.consoleUrl}/login`);
    await login.getByLabel('Lynx token').waitFor();
    const v = await seriousViolations(login);
    if (v.length) found['/login'] = v;
    await screenshot(login, root, 'login');
    await login.close();
    expect(found).toEqual({});
  });
});

/** Waits (up to 20 s) until the locator's text matches. */
async function expectText(locator: import('playwright-core').Locator, re: RegExp): Promise<void> {
  let last = '';
  try {
    await waitUntil(async () => re.test((last = await locator.innerText({ timeout: 2000 }).catch(() => ''))));
  } catch {
    throw new Error(`expected text matching ${re}, got ${JSON.stringify(last.slice(0, 500))}`);
  }
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 250));
  }
}
