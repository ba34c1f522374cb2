// Test fixture: the router in this process, listening on a free port.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { listenLynxApp } from '@lynx/platform';
import type { RouterConfig } from '../config/router-config';
import { InferenceEvents } from '../events/inference-events.service';
import { PlanService } from '../plans/plan.service';
import type { CompiledPlan } from '../routing/compiled-plan';
import { createRouterApp } from '../router-app';

export interface RouterFixture {
  url: string;
  app: NestFastifyApplication;
  plans: PlanService;
  events: InferenceEvents;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; body: any }>;
  /** Resolves with the next plan applied for `model` that satisfies `match` (e.g. after a registry event). */
  nextPlan(model: string, match?: (p: CompiledPlan) => boolean): Promise<CompiledPlan>;
  /** The value of one sample of /metrics (summed over samples matching the labels). */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

export async function startRouter(env: NodeJS.ProcessEnv, router: Partial<RouterConfig> = {}, defaultHeaders: Record<string, string> = {}): Promise<RouterFixture> {
  const app = await createRouterApp({ env: { LYNX_ENV: 'test', LYNX_LOG_LEVEL: 'warn', ...env }, router });
  const url = await listenLynxApp(app, 0);
  const plans = app.get(PlanService);
  await plans.started();
  const post: RouterFixture['post'] = async (path, body, headers = {}) => {
    const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...defaultHeaders, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* SSE or plain text */
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
  return {
    url,
    app,
    plans,
    events: app.get(InferenceEvents),
    post,
    nextPlan: (model, match = () => true) =>
      new Promise((resolve) => {
        const off = plans.onApplied((p) => {
          if (p.model !== model || !match(p)) return;
          off();
          resolve(p);
        });
      }),
    async metric(name, labels = {}) {
      const text = await (await fetch(`${url}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
        if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return sum;
    },
    close: () => app.close(),
  };
}
