import type { Command } from 'commander';
import { isDevSemver } from '@lynx/schema';
import { RegistryClient, parseModelRef } from '../registry-client';
import { fetchLiveUsage } from '../costs/live-usage';
import { allServed, servedRows } from '../registry/served-pages';
import { pullBundle, pushBundle } from '../registry/transfer';
import { short, table } from '../registry/table';
import { CliError, EXIT } from '../exit';
import { pushFromMlflow } from '../mlflow/push-from-mlflow';

/** On stderr, so stdout stays the digest alone: a re-push kept the tags the version already had. */
export function reportKeptTags(model: string, digest: string, differing: Array<{ key: string; asked: string; kept: string | null }>): void {
  if (differing.length === 0) return;
  const list = differing.map((d) => `${d.key}=${d.kept ?? '(unset)'} (asked ${d.asked})`).join(', ');
  const set = differing.map((d) => `${d.key}=${d.asked}`).join(' ');
  process.stderr.write(`${model}@${digest} was already registered: its tags were kept: ${list}\n  → change them with \`lynx tag ${model}@${digest} ${set}\`\n`);
}

const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
const collect = (value: string, prev: string[] = []) => [...prev, value];

/**
 * Registry commands over REST (LYNX_REGISTRY_URL, LYNX_TOKEN): push/pull bundles by digest,
 * list and show versions, promote, roll back, and read alias history and serving stats.
 */
/** Dev mode's escape hatch is not the CI path: say so loudly, every time. */
const DEV_BYPASS_WARNING = [
  '',
  '  !!! DEV MODE: promoting a -dev semver WITHOUT a gate verdict.',
  '  !!! Nothing measured this model. This is not the CI path and LYNX_ENV=prod refuses it;',
  '  !!! the audit log marks this promote dev_bypass. Release through `lynx gate promote`.',
  '',
  '',
].join('\n');

export function registerRegistryCommands(program: Command): void {
  program
    .command('push [dir]')
    .description('upload a bundle folder (only missing blobs) and register it; prints the digest. With --mlflow-run, the bundle comes from an MLflow run or model instead')
    .requiredOption('--model <name>', 'logical model name')
    .option('--run-id <id>', 'training run id (default: from <dir>.run.json)')
    .option('--commit <sha>', 'code commit (default: from <dir>.run.json)')
    .option('--data <name=digest>', 'training data by digest (repeatable)', collect)
    .option('--param <k=v>', 'training parameter (repeatable)', collect)
    .option('--tag <k=v>', 'tag (repeatable)', collect)
    .option('--parent <digest>', 'digest of the bundle this one derives from')
    .option('--description <text>', 'free text')
    .option('--mlflow-run <ref>', 'an MLflow run id, runs:/<id>/<path> or models:/<name>@<alias>: download its artifacts (LYNX_MLFLOW_TRACKING_URI) and register them with the run\'s lineage')
    .option('--artifact-path <path>', 'with a bare run id: the folder of the run\'s artifacts that holds the model', 'model')
    .action(async (dir: string | undefined, opts) => {
      if (opts.mlflowRun) {
        if (dir) throw new CliError('give either a bundle folder or --mlflow-run, not both', EXIT.error);
        const pushed = await pushFromMlflow(new RegistryClient(), opts.mlflowRun, opts.artifactPath, opts);
        if (pushed.alreadyRegistered) process.stderr.write(`MLflow run ${pushed.runId} is already registered as ${pushed.digest}\n`);
        else if (pushed.previous.length) process.stderr.write(`the artifacts of MLflow run ${pushed.runId} changed since it was registered as ${pushed.previous.join(', ')}: registered the new digest\n`);
        out(pushed.digest);
        return;
      }
      if (!dir) throw new CliError('push needs a bundle folder, or --mlflow-run <ref>', EXIT.error);
      const { digest, differing } = await pushBundle(new RegistryClient(), dir, opts);
      out(digest);
      reportKeptTags(opts.model, digest, differing);
    });

  program
    .command('pull <modelRef> <dir>')
    .description('download <model>@<ref> into a new or empty folder, verifying every blob and the bundle digest')
    .action(async (modelRef: string, dir: string) => {
      const { model, ref } = parseModelRef(modelRef);
      const { digest } = await pullBundle(new RegistryClient(), model, ref, dir);
      out(digest);
    });

  program
    .command('models')
    .description('list models')
    .action(async () => {
      const { models } = await new RegistryClient().listModels();
      out(table(['MODEL', 'VERSIONS', 'PRODUCTION', 'LATEST'], models.map((m) => [m.name, m.version_count, short(m.production_digest), short(m.latest_digest)])));
    });

  program
    .command('versions <model>')
    .description('list versions, newest first')
    .option('--alias <alias>', 'only the version an alias points at')
    .option('--tag <tag>', 'only versions with tag key or key=value')
    .option('--status <status>', 'registered | production | superseded | rolled_back')
    .option('--limit <n>', 'page size', '50')
    .action(async (model: string, opts: { alias?: string; tag?: string; status?: string; limit: string }) => {
      const page = await new RegistryClient().versions(model, { limit: opts.limit, alias: opts.alias, tag: opts.tag, status: opts.status });
      out(
        table(
          ['DIGEST', 'SEMVER', 'STATUS', 'ALIASES', 'SIZE', 'CREATED', 'BY'],
          page.items.map((v) => [short(v.digest), v.semver, v.status, v.aliases.join(',') || null, v.size, v.created_at, v.created_by]),
        ),
      );
    });

  program
    .command('show <modelRef>')
    .description('everything about one version: lineage, aliases, evaluations, verdicts, serving (JSON)')
    .action(async (modelRef: string) => {
      const { model, ref } = parseModelRef(modelRef);
      out(JSON.stringify(await new RegistryClient().version(model, ref), null, 2));
    });

  program
    .command('promote <modelRef> <semver>')
    .description('name the version <semver> and move production to it (needs a passing gate verdict)')
    .requiredOption('--reason <text>', 'why, for the audit log')
    .option('--verdict <id>', 'id of the passing gate verdict for this digest')
    .action(async (modelRef: string, semver: string, opts: { reason: string; verdict?: string }) => {
      const { model, ref } = parseModelRef(modelRef);
      const client = new RegistryClient();
      const digest = await client.resolve(model, ref);
      if (!opts.verdict && isDevSemver(semver)) process.stderr.write(DEV_BYPASS_WARNING);
      const res = await client.promote(model, {
        digest,
        semver,
        reason: opts.reason,
        ...(opts.verdict ? { verdict_id: opts.verdict } : {}),
      });
      out(`production of ${model}: ${short(res.move.from_digest) ?? '(none)'} → ${res.digest} (${semver})`);
    });

  program
    .command('rollback <model> [ref]')
    .description('move production back to <ref>, or to the previous production version')
    .requiredOption('--reason <text>', 'why, for the audit log')
    .action(async (model: string, ref: string | undefined, opts: { reason: string }) => {
      const res = await new RegistryClient().rollback(model, {
        reason: opts.reason,
        ...(ref ? { to: ref } : {}),
      });
      out(`production of ${model}: ${short(res.move.from_digest)} → ${res.digest}${res.move.semver ? ` (${res.move.semver})` : ''}`);
    });

  program
    .command('history <model> [alias]')
    .description('every move of an alias (default production): when, from, to, who, why')
    .action(async (model: string, alias = 'production') => {
      const moves: any[] = await new RegistryClient().aliasHistory(model, alias);
      out(
        table(
          ['AT', 'KIND', 'FROM', 'TO', 'SEMVER', 'ACTOR', 'ROLE', 'VERDICT', 'REASON'],
          moves.map((m) => [m.at, m.kind, short(m.from_digest), short(m.to_digest), m.semver, m.actor, m.role, m.verdict_id, m.reason]),
        ),
      );
    });

  program
    .command('served <model>')
    .description('every version that served traffic: first/last served, requests, accuracy, cost per 1k tokens; usage not flushed yet shown as provisional')
    .option('--json', 'print machine-readable JSON')
    .action(async (model: string, opts: { json?: boolean }) => {
      const client = new RegistryClient();
      const versions = await allServed(client, model);
      const live = await fetchLiveUsage(model);
      const rows = await servedRows(client, model, versions, live);
      if (opts.json) {
        out(JSON.stringify({ model, provisional_available: live !== undefined, versions: rows }, null, 2));
        return;
      }
      out(
        table(
          ['DIGEST', 'SEMVER', 'FIRST SERVED', 'LAST SERVED', 'REQUESTS', 'PROVISIONAL', 'ACCURACY', 'USD/1K TOK'],
          rows.map((v) => [
            short(v.digest),
            v.semver,
            v.first_served,
            v.last_served,
            v.requests,
            v.provisional ? `+${v.provisional.requests}` : null,
            v.latest_accuracy === null ? null : v.latest_accuracy.toFixed(3),
            v.cost_per_1k_tokens === null ? (v.provisional?.cost_per_1k_tokens ?? null)?.toFixed(5) : v.cost_per_1k_tokens.toFixed(5),
          ]),
        ),
      );
    });
}
