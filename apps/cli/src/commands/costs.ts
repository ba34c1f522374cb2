import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { request } from 'undici';
import { CliError } from '../exit';
import { buildCostRows, formatCostMarkdown, formatCostTable, type CostServed, type CostVersion } from '../costs/costs-table';

/**
 * `lynx costs <model> [--md <file>] [--json]`: a row per registry version — digest, semver,
 * aliases, latest accuracy, requests served, tokens, USD per 1k tokens and CpQU — from the
 * registry's versions and `served` answers (LYNX_REGISTRY_URL, LYNX_TOKEN).
 */
export function registerCostsCommands(program: Command): void {
  program
    .command('costs <model>')
    .description('cost per 1k tokens and cost per quality unit of every version of a model')
    .option('--md <file>', 'also write the table as Markdown (e.g. docs/COSTS.md)')
    .option('--json', 'print the rows as JSON')
    .action(async (model: string, opts: { md?: string; json?: boolean }) => {
      const base = process.env.LYNX_REGISTRY_URL || 'http://127.0.0.1:7101';
      const token = process.env.LYNX_TOKEN;
      const versions = await listVersions(base, token, model);
      const served = await getJson<unknown>(base, token, `/v1/models/${encodeURIComponent(model)}/served`);
      const rows = buildCostRows(versions, itemsOf(served) as CostServed[]);
      if (opts.md) {
        await mkdir(dirname(opts.md), { recursive: true });
        await writeFile(opts.md, formatCostMarkdown(model, rows, new Date().toISOString()));
      }
      process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : formatCostTable(rows));
      if (opts.md && !opts.json) process.stdout.write(`wrote ${opts.md}\n`);
    });
}

async function listVersions(base: string, token: string | undefined, model: string): Promise<CostVersion[]> {
  const out: CostVersion[] = [];
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
    const page = await getJson<{ next_cursor?: string | null }>(base, token, `/v1/models/${encodeURIComponent(model)}/versions${q}`);
    out.push(...itemsOf(page).map(toCostVersion));
    cursor = Array.isArray(page) ? null : (page.next_cursor ?? null);
  } while (cursor);
  return out;
}

function itemsOf(body: unknown): unknown[] {
  // versions: {items, next_cursor}; served: {model, versions}
  const b = body as { items?: unknown[]; versions?: unknown[] };
  return Array.isArray(body) ? body : (b?.items ?? b?.versions ?? []);
}

/** Latest accuracy: the registry's field, else the newest evaluation's overall accuracy, else metrics.accuracy. */
export function toCostVersion(raw: unknown): CostVersion {
  const v = raw as Record<string, any>;
  const evals: Array<Record<string, any>> = [...(v.evaluations ?? [])].sort((a, b) => String(b.created_at ?? '').localeCompare(String(a.created_at ?? '')));
  const fromEval = evals[0]?.result?.overall?.accuracy ?? evals[0]?.overall?.accuracy;
  const accuracy = [v.latest_accuracy, fromEval, v.metrics?.accuracy].find((x) => typeof x === 'number') ?? null;
  return { digest: String(v.digest), semver: v.semver ?? null, aliases: v.aliases ?? [], accuracy };
}

async function getJson<T>(base: string, token: string | undefined, path: string): Promise<T> {
  let res;
  try {
    res = await request(new URL(path, base), { headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  } catch (err) {
    throw new CliError(`cannot reach the registry at ${base}: ${(err as Error).message}`);
  }
  const text = await res.body.text();
  if (res.statusCode >= 400) {
    let message = text;
    try {
      const e = JSON.parse(text).error;
      message = `${e.code}: ${e.message}`;
    } catch {
      // not the Lynx error shape: print the body as it came
    }
    throw new CliError(`registry answered ${res.statusCode} to GET ${path}: ${message}`);
  }
  return JSON.parse(text) as T;
}
