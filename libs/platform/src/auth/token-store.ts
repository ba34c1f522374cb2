import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, roleSchema } from '@lynx/schema';
import type { Principal } from './auth.decorators';

/**
 * LYNX_TOKENS_FILE: `{"tokens": [{"sha256": "<hex sha256 of the token>", "role": "operator", "name": "ci-bot"}]}`.
 * Only hashes are stored, so the file leaks no usable secret. Create an entry with
 * `lynx token create`, or by hand with `printf %s "$TOKEN" | sha256sum`. Services reload it on change
 * (TokensFileWatcher).
 */
export const tokensFileSchema = z.strictObject({
  tokens: z.array(
    z.strictObject({
      sha256: z.string().regex(/^[0-9a-f]{64}$/, { message: 'expected 64 lowercase hex (sha256 of the token)' }),
      role: roleSchema,
      name: z.string().min(1).max(128),
    }),
  ),
});
export type TokensFile = z.infer<typeof tokensFileSchema>;

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Reads and validates a tokens file; ConfigError names LYNX_TOKENS_FILE, the path and the problem.
 * `raw` skips the read (the watcher has the bytes already).
 */
export function readTokensFile(path: string, raw?: string): TokensFile {
  let text = raw;
  if (text === undefined) {
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError(`LYNX_TOKENS_FILE: cannot read ${path}: ${(err as Error).message}`);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`LYNX_TOKENS_FILE: ${path} is not JSON: ${(err as Error).message}`);
  }
  const parsed = tokensFileSchema.safeParse(json);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ConfigError(`LYNX_TOKENS_FILE: ${path} is invalid: ${why}`);
  }
  return parsed.data;
}

/**
 * The token set a service authenticates against. One instance per app, shared by the guard, the
 * raw routes and the console, so `replace` (the tokens file watcher) takes effect everywhere at once.
 */
export class TokenStore {
  private entries: Array<{ hash: Buffer; principal: Principal }> = [];

  /** `source`: the file's text the set was read from, so a watcher started later can tell a change from it. */
  constructor(
    file: TokensFile,
    readonly source?: string,
  ) {
    this.replace(file);
  }

  /** Reads and validates a tokens file; ConfigError names LYNX_TOKENS_FILE and the problem. */
  static fromFile(path: string): TokenStore {
    let raw: string;
    try {
      raw = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError(`LYNX_TOKENS_FILE: cannot read ${path}: ${(err as Error).message}`);
    }
    return new TokenStore(readTokensFile(path, raw), raw);
  }

  /** Swaps the whole set in one assignment: a request sees the old set or the new one, never a mix. */
  replace(file: TokensFile): void {
    this.entries = file.tokens.map((t) => ({ hash: Buffer.from(t.sha256, 'hex'), principal: { name: t.name, role: t.role } }));
  }

  get size(): number {
    return this.entries.length;
  }

  /** The principal of a bearer token, or undefined. Compares every entry in constant time. */
  authenticate(token: string): Principal | undefined {
    const h = hashToken(token);
    let found: Principal | undefined;
    for (const e of this.entries) {
      if (timingSafeEqual(e.hash, h) && !found) found = e.principal;
    }
    return found;
  }
}
