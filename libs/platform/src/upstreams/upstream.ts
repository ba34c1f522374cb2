import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError, DIGEST_RE, SEMVER_RE, isPrereleaseSemver, serviceUrl } from '@lynx/schema';

/** How to reach one registry version: an OpenAI-compatible server and the model name it knows it by. */
export interface Upstream {
  /** e.g. http://127.0.0.1:7110/v1 (the OpenAI paths are appended: /chat/completions). */
  baseUrl: string;
  /** The `model` sent upstream: a variant name, or for vLLM the LoRA adapter name. */
  model: string;
  timeoutMs: number;
  /** Sent as `Authorization: Bearer …` to the upstream (from the variable named by api_key_env). */
  apiKey?: string;
}

/** What the registry says about a version, as far as finding its upstream goes. */
export interface VersionInfo {
  digest: string;
  semver: string | null;
  tags: Record<string, string>;
}

/** Registry tags on a version that name its upstream; they win over the upstreams file. */
export const UPSTREAM_TAGS = { baseUrl: 'upstream.base_url', model: 'upstream.model', timeoutMs: 'upstream.timeout_ms' } as const;
/** What the registry shows instead of an `upstream.*` tag's value to a role below operator. */
export const HIDDEN_TAG_VALUE = '[hidden]';
/** The version tag an upstreams-file rule `variant: x` matches. */
export const VARIANT_TAG = 'variant';

const httpUrl = z.string().refine((s) => /^https?:\/\/[^/]/.test(s), { message: 'expected an http(s) URL' });

const ruleSchema = z
  .strictObject({
    digest: z.string().regex(DIGEST_RE).optional(),
    semver: z.string().regex(SEMVER_RE).optional(),
    variant: z.string().min(1).optional(),
    default: z.literal(true).optional(),
    base_url: httpUrl,
    model: z.string().min(1),
    timeout_ms: z.number().int().positive().optional(),
    api_key_env: z.string().min(1).optional(),
  })
  .refine((r) => [r.digest, r.semver, r.variant, r.default].filter((x) => x !== undefined).length === 1, {
    message: 'each rule needs exactly one of digest, semver, variant, default',
  });
type Rule = z.infer<typeof ruleSchema>;

const fileSchema = z.strictObject({ models: z.record(z.string(), z.array(ruleSchema)) });

/** The models key whose rules apply to every model, after the model's own. */
export const ANY_MODEL = '*';

/** The parsed lynx.upstreams.yaml: per logical model (or `*` for all), rules tried in order. */
export class UpstreamsFile {
  constructor(private readonly models: Record<string, Rule[]> = {}) {}

  static read(path: string): UpstreamsFile {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read upstreams file ${path}: ${(err as Error).message}`);
    }
    return UpstreamsFile.parse(text, path);
  }

  /** Parses the file's YAML text; `source` names it in errors. */
  static parse(text: string, source = 'upstreams'): UpstreamsFile {
    let raw: unknown;
    try {
      raw = parse(text);
    } catch (err) {
      throw new ConfigError(`cannot read upstreams file ${source}: ${(err as Error).message}`);
    }
    return UpstreamsFile.from(raw, source);
  }

  static from(raw: unknown, source = 'upstreams'): UpstreamsFile {
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      throw new ConfigError(`invalid ${source}: ${lines.join('; ')}`);
    }
    return new UpstreamsFile(parsed.data.models);
  }

  /** `host:port` of every base_url the file names: an operator wrote them, so they are allowed. */
  hosts(): string[] {
    return Object.values(this.models).flatMap((rules) => rules.map((r) => hostPort(r.base_url)).filter((h): h is string => h !== undefined));
  }

  /** First matching rule for a version: by digest, then semver, then variant tag, then default. */
  match(model: string, v: VersionInfo): Rule | undefined {
    const rules = [...(this.models[model] ?? []), ...(model === ANY_MODEL ? [] : (this.models[ANY_MODEL] ?? []))];
    return (
      rules.find((r) => r.digest === v.digest) ??
      rules.find((r) => r.semver !== undefined && r.semver === v.semver) ??
      rules.find((r) => r.variant !== undefined && r.variant === v.tags[VARIANT_TAG]) ??
      rules.find((r) => r.default)
    );
  }
}

/** `host:port` of an http(s) URL (default ports filled in, host lowercased), or undefined. */
export function hostPort(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    return `${u.hostname.toLowerCase()}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return undefined;
  }
}

/**
 * The hosts an upstream URL from a version's tags may name: `host:port` entries (or a bare `host`
 * for any port) from LYNX_UPSTREAM_ALLOWED_HOSTS, plus every host of the upstreams file. Unset, the
 * variable defaults to Lynx's own model server (127.0.0.1 and localhost on LYNX_MODEL_SERVER_PORT,
 * default 7110). Anything else — NATS, Redis, PostgreSQL, a cloud metadata address — is refused,
 * so a tag cannot turn the router into a proxy to an internal listener.
 */
export class UpstreamAllowlist {
  private readonly exact: Set<string>;
  private readonly anyPort: Set<string>;

  constructor(readonly entries: readonly string[]) {
    this.exact = new Set(entries.filter((e) => e.includes(':')).map((e) => e.toLowerCase()));
    this.anyPort = new Set(entries.filter((e) => !e.includes(':')).map((e) => e.toLowerCase()));
  }

  static from(env: NodeJS.ProcessEnv, file: UpstreamsFile): UpstreamAllowlist {
    const raw = env.LYNX_UPSTREAM_ALLOWED_HOSTS;
    const listed = raw !== undefined && raw.trim() !== '' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : defaultModelServerHosts(env);
    return new UpstreamAllowlist([...new Set([...listed, ...file.hosts()])]);
  }

  allows(url: string): boolean {
    const hp = hostPort(url);
    if (!hp) return false;
    return this.exact.has(hp) || this.anyPort.has(hp.slice(0, hp.lastIndexOf(':')));
  }
}

function defaultModelServerHosts(env: NodeJS.ProcessEnv): string[] {
  const port = env.LYNX_MODEL_SERVER_PORT || '7110';
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/** How upstreams are found, as one value the registry and the router both build from their env. */
export interface UpstreamRules {
  file: UpstreamsFile;
  allowed: UpstreamAllowlist;
  defaultTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Lynx's own model server, asked for a version by its digest when nothing else names an upstream. */
  defaultBaseUrl?: string;
}

/**
 * Where versions that neither tags nor the upstreams file place are served: Lynx's model server
 * (it pulls a version by digest on demand), unless LYNX_ROUTER_DEFAULT_UPSTREAM is `off`.
 */
export function defaultUpstreamUrl(env: NodeJS.ProcessEnv): string | undefined {
  const set = env.LYNX_ROUTER_DEFAULT_UPSTREAM;
  if (set === 'off') return undefined;
  return stripSlash(set || `${serviceUrl('model-server', env)}/v1`);
}

/**
 * The upstreams file a service reads: `explicit` (e.g. LYNX_ROUTER_UPSTREAMS_FILE), else
 * LYNX_UPSTREAMS_FILE, else lynx.upstreams.yaml in the working directory when present.
 */
export function loadUpstreamRules(env: NodeJS.ProcessEnv, defaultTimeoutMs: number, explicit?: string): UpstreamRules {
  const path = explicit || env.LYNX_UPSTREAMS_FILE || (existsSync('lynx.upstreams.yaml') ? 'lynx.upstreams.yaml' : undefined);
  const file = path ? UpstreamsFile.read(path) : new UpstreamsFile();
  return { file, allowed: UpstreamAllowlist.from(env, file), defaultTimeoutMs, env, defaultBaseUrl: defaultUpstreamUrl(env) };
}

/**
 * Whether the router can serve a version, by the one set of rules the registry (when a plan is
 * stored) and the router (when a plan is loaded) both apply: in prod no pre-release semver; an
 * upstream from its tags (on the allowlist) or from the upstreams file. Pure.
 */
export function servingCheck(model: string, v: VersionInfo, rules: UpstreamRules, prod: boolean): { upstream: Upstream } | { problem: string } {
  if (prod && v.semver && isPrereleaseSemver(v.semver)) {
    return { problem: `resolves to ${v.semver}, a pre-release version, which is never routed with LYNX_ENV=prod` };
  }
  const tagUrl = v.tags[UPSTREAM_TAGS.baseUrl];
  if (tagUrl === HIDDEN_TAG_VALUE) {
    return { problem: `the registry hid its upstream.base_url: the router's LYNX_TOKEN needs role operator or above to read upstream tags` };
  }
  if (tagUrl && !rules.allowed.allows(tagUrl)) {
    return { problem: `its tag upstream.base_url ${JSON.stringify(tagUrl)} is not an allowed host (LYNX_UPSTREAM_ALLOWED_HOSTS or lynx.upstreams.yaml)` };
  }
  const upstream = upstreamFor(model, v, rules.file, rules.defaultTimeoutMs, rules.env, rules.defaultBaseUrl);
  if (!upstream) return { problem: `no upstream for ${v.digest}: set its registry tags upstream.base_url and upstream.model (role operator), or add it to lynx.upstreams.yaml` };
  return { upstream };
}

/**
 * The upstream of a version: its registry tags `upstream.base_url` + `upstream.model` when set,
 * else the first matching rule of the upstreams file, else `defaultBaseUrl` (Lynx's model server)
 * asked for the version's digest; undefined when none says.
 */
export function upstreamFor(
  model: string,
  v: VersionInfo,
  file: UpstreamsFile,
  defaultTimeoutMs: number,
  env = process.env,
  defaultBaseUrl?: string,
): Upstream | undefined {
  const tagUrl = v.tags[UPSTREAM_TAGS.baseUrl];
  if (tagUrl && httpUrl.safeParse(tagUrl).success) {
    const timeout = Number(v.tags[UPSTREAM_TAGS.timeoutMs]);
    return {
      baseUrl: stripSlash(tagUrl),
      model: v.tags[UPSTREAM_TAGS.model] || v.tags[VARIANT_TAG] || model,
      timeoutMs: Number.isInteger(timeout) && timeout > 0 ? timeout : defaultTimeoutMs,
    };
  }
  const rule = file.match(model, v);
  if (!rule) return defaultBaseUrl ? { baseUrl: stripSlash(defaultBaseUrl), model: v.digest, timeoutMs: defaultTimeoutMs } : undefined;
  const apiKey = rule.api_key_env ? env[rule.api_key_env] : undefined;
  return { baseUrl: stripSlash(rule.base_url), model: rule.model, timeoutMs: rule.timeout_ms ?? defaultTimeoutMs, ...(apiKey ? { apiKey } : {}) };
}

const stripSlash = (s: string) => s.replace(/\/+$/, '');
