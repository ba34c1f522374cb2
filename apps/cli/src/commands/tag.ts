import type { Command } from 'commander';
import type { TagsAnswer } from '@lynx/registry-client';
import { CliError } from '../exit';
import { RegistryClient, parseModelRef } from '../registry-client';
import { table } from '../registry/table';

type TagAnswer = TagsAnswer;

/** `key=value` words → a map; a word without `=` is a mistake worth naming. */
export function parseAssignments(words: string[]): Record<string, string> {
  const set: Record<string, string> = {};
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new CliError(`expected key=value, got ${JSON.stringify(w)} (remove a tag with --unset <key>)`);
    set[w.slice(0, eq)] = w.slice(eq + 1);
  }
  return set;
}

/** The tags after an edit, one row per key, with what each was before. */
export function formatTags(a: TagAnswer): string {
  const keys = [...new Set([...Object.keys(a.before), ...Object.keys(a.tags)])].sort();
  const rows = keys.map((k) => [k, a.tags[k] ?? '(removed)', a.changed.includes(k) ? (a.before[k] ?? '(new)') : '', a.changed.includes(k) ? 'changed' : '']);
  const head = `${a.model}@${a.digest}: ${a.changed.length ? `${a.changed.length} tag(s) changed` : 'nothing changed'}\n`;
  return head + (rows.length ? table(['KEY', 'VALUE', 'BEFORE', ''], rows) : '(no tags)\n');
}

export function registerTagCommands(program: Command): void {
  program
    .command('tag <modelRef> [assignments...]')
    .description('set (key=value) and remove (--unset key) tags of a version (role operator; audited; the router and cost emitter follow within a second)')
    .option('--unset <key>', 'remove a tag (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--reason <text>', 'why, for the audit log')
    .option('--json', 'print machine-readable JSON')
    .action(async (modelRef: string, assignments: string[], opts: { unset?: string[]; reason?: string; json?: boolean }) => {
      const { model, ref } = parseModelRef(modelRef);
      if (!modelRef.includes('@')) throw new CliError('name the version: lynx tag <model>@<digest|semver|alias> key=value …');
      const set = parseAssignments(assignments);
      const unset = opts.unset ?? [];
      if (Object.keys(set).length === 0 && unset.length === 0) throw new CliError('nothing to change: give key=value pairs to set and/or --unset <key>');
      const answer = await new RegistryClient().patchTags(model, ref, {
        set,
        unset,
        ...(opts.reason ? { reason: opts.reason } : {}),
      });
      process.stdout.write(opts.json ? `${JSON.stringify(answer, null, 2)}\n` : formatTags(answer));
    });
}
