import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { ROLES, roleSchema, type Role } from '@lynx/schema';
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

/**
 * Makes a token, adds its hash to the tokens file (written whole to a temporary file, then renamed,
 * so a reader never sees half of it) and returns the token, which is shown once and kept nowhere.
 */
export async function createToken(path: string, role: Role, name: string): Promise<{ token: string; entries: number }> {
  const file = await readTokens(path);
  if (file.tokens.some((t) => t.name === name)) throw new CliError(`${path} already has a token named "${name}"; pick another --name`);
  const token = `lynx_${randomBytes(32).toString('base64url')}`;
  const next: TokensFile = { tokens: [...file.tokens, { sha256: hashToken(token).toString('hex'), role, name }] };
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
  return { token, entries: next.tokens.length };
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
      const role = roleSchema.safeParse(opts.role);
      if (!role.success) throw new CliError(`unknown role "${opts.role}": use one of ${ROLES.join(', ')}`);
      if (!/^[\w.@-]{1,128}$/.test(opts.name)) throw new CliError('--name is 1-128 characters of letters, digits, . _ @ -');
      const path = opts.tokensFile || process.env.LYNX_TOKENS_FILE;
      if (!path) throw new CliError('no tokens file: pass --tokens-file <path> or set LYNX_TOKENS_FILE (the same file the services read)');
      const { token: value } = await createToken(path, role.data, opts.name);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ token: value, role: role.data, name: opts.name, tokens_file: path })}\n`);
        return;
      }
      process.stdout.write(table(['NAME', 'ROLE', 'TOKEN'], [[opts.name, role.data, value]]));
      process.stderr.write(
        `The token is shown only now; ${path} keeps its hash.\n` +
          `Use it with \`export LYNX_TOKEN=${value.slice(0, 10)}…\`; services read ${path} when they start (LYNX_TOKENS_FILE): restart them to accept it.\n`,
      );
    });
}
