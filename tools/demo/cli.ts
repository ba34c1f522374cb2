import * as path from 'node:path';
import type { Command } from 'commander';
import type { Manifest } from './manifest';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

interface CliModules {
  buildProgram: () => Command;
  reportError: (err: unknown) => number;
}

/**
 * Runs `lynx <args>` inside this process: the same commander program as `npx lynx`, without the
 * ~1 s of spawning a Node process per step. The CLI reads its settings from process.env
 * (LYNX_REGISTRY_URL, LYNX_TOKEN, LYNX_NAMESPACE …), so each call sets them for its duration;
 * calls never overlap. Loaded by path because the CLI is an app, not a library.
 */
export class InProcessCli {
  private readonly modules: CliModules;

  constructor(root: string, private readonly baseEnv: NodeJS.ProcessEnv) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    this.modules = {
      buildProgram: (require(path.join(root, 'apps/cli/src/program.ts')) as CliModules).buildProgram,
      reportError: (require(path.join(root, 'apps/cli/src/exit.ts')) as CliModules).reportError,
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  }

  async run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    const program = this.modules.buildProgram();
    const quiet = (c: Command): void => {
      c.exitOverride().configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
      c.commands.forEach(quiet);
    };
    const out: string[] = [];
    const err: string[] = [];
    quiet(program);
    const saved = { env: { ...process.env }, out: process.stdout.write, err: process.stderr.write, tty: process.stderr.isTTY, exitCode: process.exitCode };
    Object.assign(process.env, this.baseEnv, env);
    // Progress bars draw only on a terminal; the demo prints its own one line per step.
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    process.stdout.write = ((chunk: string | Uint8Array) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
    process.exitCode = undefined;
    let code = 0;
    try {
      await program.parseAsync(['node', 'lynx', ...args]);
      code = Number(process.exitCode ?? 0);
    } catch (e) {
      const ce = e as { code?: string; exitCode?: number };
      code = typeof ce.code === 'string' && ce.code.startsWith('commander.') ? (ce.exitCode ?? 2) : this.modules.reportError(e);
    } finally {
      process.stdout.write = saved.out;
      process.stderr.write = saved.err;
      Object.defineProperty(process.stderr, 'isTTY', { value: saved.tty, configurable: true });
      process.exitCode = saved.exitCode;
      for (const k of Object.keys(process.env)) if (!(k in saved.env)) delete process.env[k];
      Object.assign(process.env, saved.env);
    }
    return { code, stdout: out.join(''), stderr: err.join('') };
  }
}

/** `lynx …` as the manifest shows it: arguments quoted only where a shell needs it. */
export function shellLine(args: string[], env: Record<string, string> = {}): string {
  const q = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  const prefix = Object.entries(env).map(([k, v]) => `${k}=${v.startsWith('$') ? v : q(v)} `).join('');
  return `${prefix}lynx ${args.map(q).join(' ')}`;
}

/** Runs a CLI step, records it in the manifest, and throws when the exit code is not the expected one. */
export async function lynxStep(cli: InProcessCli, m: Manifest, args: string[], opts: { env?: NodeJS.ProcessEnv; role: string; expect?: number }): Promise<CliResult> {
  const t0 = Date.now();
  if (process.env.LYNX_DEMO_DEBUG) process.stdout.write(`  $ ${shellLine(args)}\n`);
  const r = await cli.run(args, opts.env);
  // expect < 0: any exit code is an answer (e.g. `drift show` exits 1 on a retrain decision).
  const expected = opts.expect ?? 0;
  const ok = expected < 0 || r.code === expected;
  const output = `${r.stdout}${r.stderr}`.trim();
  m.step({ command: shellLine(args, { LYNX_TOKEN: `$LYNX_${opts.role.toUpperCase()}_TOKEN` }), ms: Date.now() - t0, ok, output: output.length > 4000 ? `${output.slice(0, 4000)}…` : output });
  if (!ok) throw new Error(`lynx ${args.join(' ')} exited ${r.code} (expected ${expected}): ${output.split('\n').slice(-6).join(' | ')}`);
  return r;
}
