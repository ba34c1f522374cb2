import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { versionAccuracy } from '@lynx/schema';
import { RegistryClient } from '../registry-client';
import { allServed } from '../registry/served-pages';
import { buildCostRows, formatCostMarkdown, formatCostTable, type CostVersion } from '../costs/costs-table';
import { fetchLiveUsage } from '../costs/live-usage';

/**
 * `lynx costs <model> [--md <file>] [--json]`: a row per registry version — digest, semver,
 * aliases, latest accuracy, requests served, tokens, USD per 1k tokens and CpQU — from the
 * registry (LYNX_REGISTRY_URL, LYNX_TOKEN): accuracy from each version's own evaluations (so a
 * version that never served still shows one), usage from the paged `served` answer.
 */
export function registerCostsCommands(program: Command): void {
  program
    .command('costs <model>')
    .description('cost per 1k tokens and cost per quality unit of every version of a model')
    .option('--md <file>', 'also write the table as Markdown (e.g. docs/COSTS.md)')
    .option('--json', 'print the rows as JSON')
    .action(async (model: string, opts: { md?: string; json?: boolean }) => {
      const client = new RegistryClient();
      const versions = await listVersions(client, model);
      const served = await allServed(client, model);
      const live = await fetchLiveUsage(model);
      const rows = buildCostRows(versions, served, live);
      let wrote = false;
      if (opts.md) wrote = await writeIfChanged(opts.md, formatCostMarkdown(model, rows));
      process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : formatCostTable(rows, live !== undefined));
      if (opts.md && !opts.json) process.stdout.write(wrote ? `wrote ${opts.md}\n` : `${opts.md} unchanged\n`);
    });
}

/** Writes `text` unless the file already holds exactly it (a tracked file stays untouched). */
async function writeIfChanged(path: string, text: string): Promise<boolean> {
  const before = await readFile(path, 'utf8').catch(() => undefined);
  if (before === text) return false;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  return true;
}

/** Every version, in the list's order; each read in full (`GET …/versions/{digest}`) for its evaluations. */
async function listVersions(client: RegistryClient, model: string): Promise<CostVersion[]> {
  const digests = (await client.allVersions(model)).map((v) => v.digest);
  const out: CostVersion[] = new Array(digests.length);
  // A few reads at a time: list items carry no evaluations, and a model may have many versions.
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < digests.length; i = next++) out[i] = toCostVersion(await client.version(model, digests[i]));
  };
  await Promise.all(Array.from({ length: Math.min(8, digests.length) }, worker));
  return out;
}

/**
 * A version as `GET …/versions/{ref}` returns it → the table's facts; accuracy by versionAccuracy,
 * the cost emitter's rule for CpQU.
 */
export function toCostVersion(raw: unknown): CostVersion {
  const v = raw as Record<string, any>;
  return { digest: String(v.digest), semver: v.semver ?? null, aliases: v.aliases ?? [], accuracy: versionAccuracy(v) };
}
