import { TOKEN_HINTS } from '@lynx/registry-client';
import { CliError, EXIT } from './exit';

// The one place where a service's error becomes what the user reads: code, message, details and
// what to do next. Every client of the CLI (registry, router, gate, drift worker, cost emitter)
// maps its failures here.

const HINTS: Record<string, string> = {
  // The token's hints are the registry client's, so every caller says the same.
  ...TOKEN_HINTS,
  model_not_found: 'list models with `lynx models`',
  version_not_found: 'list versions with `lynx versions <model>`',
  alias_not_found: 'see the aliases with `lynx versions <model>`',
  ambiguous_reference: 'give more hex digits of the digest',
  missing_blobs: 'run `lynx push` again: it uploads the missing blobs first',
  digest_mismatch: 'the file changed while it was uploaded; run the command again',
  verdict_required: 'promote through the gate: `lynx gate promote <model>@<ref> --semver …`',
  semver_conflict: 'pick a semver greater than every earlier one (`lynx versions <model>`)',
  invalid_semver: 'use vMAJOR.MINOR.PATCH, e.g. v1.2.0 (or v1.2.0-dev.1 outside prod)',
  rollback_target_invalid: 'see which versions were production with `lynx history <model>`',
  alias_conflict: 'the alias moved meanwhile; look at `lynx history <model> <alias>` and retry',
  protected_alias: 'production moves only with `lynx promote` and `lynx rollback`',
  payload_too_large: 'the registry refuses bodies over its limit (LYNX_MAX_BLOB_BYTES for blobs)',
  upstream_unavailable: 'start the service (`npm start`) or point the CLI at it (LYNX_<APP>_URL, see `lynx status`)',
  not_ready: 'the service is starting or a dependency is down: `lynx status` shows which',
};

/** By HTTP status, when a service answered without Lynx's error shape (a proxy, an old build). */
const STATUS_CODES: Record<number, string> = { 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 503: 'not_ready' };

interface PlanProblem {
  ref?: string;
  arm?: string;
  problem?: string;
}

/**
 * A plan that cannot be served names each ref and why; the hint says how to give a version an
 * upstream, since that is the usual reason once the ref itself resolves.
 */
function planHint(details: unknown): string | undefined {
  const refs = (details as { refs?: PlanProblem[] } | undefined)?.refs;
  if (!Array.isArray(refs) || refs.length === 0) return undefined;
  const lines = refs.map((r) => `${r.ref ?? '?'} (${r.arm ?? 'arm'}): ${r.problem ?? 'cannot be served'}`);
  const upstream = refs.some((r) => /no upstream/.test(r.problem ?? ''));
  return (
    `these refs cannot be served:\n    ${lines.join('\n    ')}` +
    (upstream
      ? '\n  → give the version an upstream: `lynx tag <model>@<digest> upstream.base_url=http://<host>:<port>/v1 upstream.model=<name>`, ' +
        'or add a rule to lynx.upstreams.yaml (the router reloads it when it changes); Lynx\'s own model server needs neither'
      : '\n  → check the refs with `lynx versions <model>`')
  );
}

/** A service's error answer as the user sees it; `service` names who answered. */
export function serviceCliError(service: string, status: number, code: string | undefined, message: string, details?: unknown): CliError {
  const stable = code ?? STATUS_CODES[status] ?? `http_${status}`;
  const plan = planHint(details);
  const hint = plan ? undefined : HINTS[stable];
  const more = details && !plan ? `\n  details: ${JSON.stringify(details)}` : '';
  const who = service === 'registry' ? '' : `${service}: `;
  return new CliError(`${who}${stable}: ${message}${more}${plan ? `\n  ${plan}` : ''}${hint ? `\n  → ${hint}` : ''}`, EXIT.error);
}

/** A service that did not answer at all. */
export function unreachableCliError(service: string, url: string, variable: string, err: unknown): CliError {
  return new CliError(
    `cannot reach the ${service} at ${url} (${(err as Error).message})\n  → start it (\`npm start\` runs every service) or set ${variable}; \`lynx status\` shows what answers`,
    EXIT.error,
  );
}
