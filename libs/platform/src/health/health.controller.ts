import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators';
import { LYNX_CONFIG } from '../config/config.constants';
import type { LynxConfig } from '../config/config';
import { ReadinessRegistry } from './readiness-registry';

/**
 * What `lynx status` shows as a service's version: LYNX_VERSION when set, else the version of the
 * Lynx package.json in the working directory (the repository, or /app in the images).
 */
const VERSION = process.env.LYNX_VERSION || packageVersion() || 'unknown';

function packageVersion(): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { name?: string; version?: string };
    return pkg.name === 'lynx' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}
const STARTED_AT = new Date().toISOString();

const CHECK_TIMEOUT_MS = 2000;

@Public()
@Controller()
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicator: HealthIndicatorService,
    @Inject(ReadinessRegistry) private readonly readiness: ReadinessRegistry,
    @Inject(LYNX_CONFIG) private readonly config: LynxConfig,
  ) {}

  /** Liveness: the process serves HTTP. Never depends on other services. Names the app and its version. */
  @Get('healthz')
  healthz(): { status: 'ok'; app: string; version: string; started_at: string } {
    return { status: 'ok', app: this.config.app, version: VERSION, started_at: STARTED_AT };
  }

  /** Readiness: every dependency the app uses answers; 503 with the failing ones otherwise. */
  @Get('readyz')
  @HealthCheck()
  readyz(): Promise<HealthCheckResult> {
    return this.health.check(
      this.readiness.entries().map(([name, check]) => async () => {
        const session = this.indicator.check(name);
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return session.up();
        } catch (err) {
          return session.down({ message: (err as Error).message });
        }
      }),
    );
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
