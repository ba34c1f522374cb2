import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { ConflictError, ROLES, TokenNotFoundError, UnknownRoleError, roleSchema, type Role } from '@lynx/schema';
import { hashToken, tokensFileSchema, type TokensFile } from '@lynx/platform';
import { CliError } from '../exit';
import { table } from '../registry/table';

/** The tokens file as it is, or an empty one when it does not exist yet. */
async function readTokens(path: string): Promise<TokensFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { tokens: [] };
    throw new CliError(`cannot read the tokens file ${path}: ${(err as Error).message}`);
  }
  let parsed;
  try {
    parsed = tokensFileSchema.safeParse(JSON.parse(text));
  } catch (err) {
    throw new CliError(`${path} is not JSON: ${(err as Error).message}; fix or move it, then run the command again`);
  }
  if (!parsed.success) throw new CliError(`${path} is not a tokens file: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Writes the whole file to a temporary file beside it (0600), then renames it over: readers never see half of it. */
async function writeTokens(path: string, file: TokensFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * One JSON line per change beside the tokens file (`<file>.audit.jsonl`, 0600): who changed which
 * token and when, never the token. The services' own audit log sees only requests, not this file.
 */
async function audit(path: string, action: 'create' | 'revoke', entry: { name: string; role: Role }): Promise<string> {
  const log = `${path}.audit.jsonl`;
  const by = `${userInfo().username}@${hostname()}`;
  await appendFile(log, `${JSON.stringify({ at: new Date().toISOString(), action, name: entry.name, role: entry.role, by })}\n`, { mode: 0o600 });
  return log;
}

/** A role of ROLES, or UnknownRoleError naming them. */
export function parseRole(role: string): Role {
  const parsed = roleSchema.safeParse(role);
  if (!parsed.success) throw new UnknownRoleError(`unknown role "${role}": use one of ${ROLES.join(', ')}`, { role, roles: ROLES });
  return parsed.data;
}

/**
 * Makes a token, adds its hash to the tokens file and returns the token, which is shown once and
 * kept nowhere. Running services reload the file within a second or two.
 */
export async function createToken(path: string, role: Role, name: string): Promise<{ token: string; entries: number }> {
  const file = await readTokens(path);
  if (file.tokens.some((t) => t.name === name)) throw new ConflictError(`${path} already has a token named "${name}"; pick another --name`, { name });
  const token = `lynx_${randomBytes(32).toString('base64url')}`;
  const next: TokensFile = { tokens: [...file.tokens, { sha256: hashToken(token).toString('hex'), role, name }] };
  await writeTokens(path, next);
  await audit(path, 'create', { name, role });
  return { token, entries: next.tokens.length };
}

/** Removes the token named `name` from the tokens file; running services refuse it within a second or two. */
export async function revokeToken(path: string, name: string): Promise<{ name: string; role: Role; entries: number }> {
  const file = await readTokens(path);
  const gone = file.tokens.find((t) => t.name === name);
  if (!gone) {
    const names = file.tokens.map((t) => t.name).join(', ') || 'none';
    throw new TokenNotFoundError(`${path} has no token named "${name}" (it has: ${names})`, { name });
  }
  const next: TokensFile = { tokens: file.tokens.filter((t) => t !== gone) };
  await writeTokens(path, next);
  await audit(path, 'revoke', gone);
  return { name, role: gone.role, entries: next.tokens.length };
}

function tokensPath(opt: string | undefined): string {
  const path = opt || process.env.LYNX_TOKENS_FILE;
  if (!path) throw new CliError('no tokens file: pass --tokens-file <path> or set LYNX_TOKENS_FILE (the same file the services read)');
  return path;
}

export function registerTokenCommands(program: Command): void {
  const token = program.commands.find((c) => c.name() === 'token') ?? program.command('token').description('API tokens of the services');
  token
    .command('create')
    .description('make a token for a role, print it once, and add its hash to the tokens file the services read')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .requiredOption('--name <name>', 'who or what uses it (shown in the audit log)')
    .option('--tokens-file <path>', 'the tokens file (default: LYNX_TOKENS_FILE)')
    .option('--json', 'print machine-readable JSON')
    .action(async (opts: { role: string; name: string; tokensFile?: string; json?: boolean }) => {
      const role = parseRole(opts.role);
      if (!/^[\w.@-]{1,128}$/.test(opts.name)) throw new CliError('--name is 1-128 characters of letters, digits, . _ @ -');
      const path = tokensPath(opts.tokensFile);
      const { token: value } = await createToken(path, role, opts.name);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ token: value, role, name: opts.name, tokens_file: path })}\n`);
        return;
      }
      process.stdout.write(table(['NAME', 'ROLE', 'TOKEN'], [[opts.name, role, value]]));
      process.stderr.write(
        `The token is shown only now; ${path} keeps its hash.\n` +
          `Use it with \`export LYNX_TOKEN=${value.slice(0, 10)}…\`; services reading ${path} (LYNX_TOKENS_FILE) accept it within a second or two.\n`,
      );
    });
  token
    .command('revoke')
    .description('remove a token from the tokens file; running services refuse it within a second or two')
    .argument('<name>', 'the --name it was created with')
    .option('--tokens-file <path>', 'the tokens file (default: LYNX_TOKENS_FILE)')
    .option('--json', 'print machine-readable JSON')
    .action(async (name: string, opts: { tokensFile?: string; json?: boolean }) => {
      const path = tokensPath(opts.tokensFile);
      const done = await revokeToken(path, name);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ revoked: done.name, role: done.role, tokens_left: done.entries, tokens_file: path })}\n`);
        return;
      }
      process.stdout.write(`revoked ${done.name} (${done.role}) from ${path}; ${done.entries} tokens left\n`);
    });
}
