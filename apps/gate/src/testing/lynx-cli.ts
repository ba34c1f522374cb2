// Test fixture: `lynx …` run from the repository as a user would.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const REPO = resolve(__dirname, '../../../..');

/** Runs `lynx …` with extra env; resolves with its exit code and output. */
export function lynx(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['tools/bin/lynx.js', ...args], { cwd: REPO, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      done({ code: err ? Number((err as NodeJS.ErrnoException & { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
