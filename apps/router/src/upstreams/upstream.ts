import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError, DIGEST_RE, SEMVER_RE } from '@lynx/schema';

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

/** The parsed lynx.upstreams.yaml: per logical model, rules tried in order. */
export class UpstreamsFile {
  constructor(private readonly models: Record<string, Rule[]> = {}) {}

  static read(path: string): UpstreamsFile {
    let raw: unknown;
    try {
      raw = parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new ConfigError(`cannot read upstreams file ${path}: ${(err as Error).message}`);
    }
    return UpstreamsFile.from(raw, path);
  }

  static from(raw: unknown, source = 'upstreams'): UpstreamsFile {
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      throw new ConfigError(`invalid ${source}: ${lines.join('; ')}`);
    }
    return new UpstreamsFile(parsed.data.models);
  }

  /** First matching rule for a version: by digest, then semver, then variant tag, then default. */
  match(model: string, v: VersionInfo): Rule | undefined {
    const rules = this.models[model] ?? [];
    return (
      rules.find((r) => r.digest === v.digest) ??
      rules.find((r) => r.semver !== undefined && r.semver === v.semver) ??
      rules.find((r) => r.variant !== undefined && r.variant === v.tags[VARIANT_TAG]) ??
      rules.find((r) => r.default)
    );
  }
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
