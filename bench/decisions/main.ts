// The decisions benchmark: every pass/fail/inconclusive Lynx makes, driven through the same pure
// functions the services call, over seeded simulated data; prints each decision's error rates
// against its targets. `npm run bench:decisions [-- --trials N --seed S --only name]`.
import type { DecisionSection, SectionRunner } from './section';
import { runDrift } from './drift';
import { runTriggers } from './triggers';
import { gateSection } from './gate';
import { runCanary } from './canary';
import { runAb } from './ab';
import { runBandit } from './bandit';
import { runShadow } from './shadow';

// Each decision adds its runner here (one file per decision under bench/decisions/).
const sections: Record<string, SectionRunner> = {
  gate: gateSection,
  canary: runCanary,
  ab: runAb,
  bandit: runBandit,
  shadow: runShadow,
  drift: runDrift,
  triggers: runTriggers,
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function table(rows: Array<Record<string, string | number>>): string {
  if (rows.length === 0) return '(no rows)';
  const cols = Object.keys(rows[0]);
  const cell = (v: string | number | undefined) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : (v ?? ''));
  const lines = [cols, ...rows.map((r) => cols.map((c) => cell(r[c])))];
  const widths = cols.map((_, i) => Math.max(...lines.map((l) => String(l[i]).length)));
  const fmt = (l: Array<string | number>) => '| ' + l.map((v, i) => String(v).padEnd(widths[i])).join(' | ') + ' |';
  return [fmt(lines[0]), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...lines.slice(1).map(fmt)].join('\n');
}

function print(section: DecisionSection): boolean {
  console.log(`\n## ${section.title}\n`);
  console.log(table(section.rows));
  console.log();
  console.log(table(section.targets.map((t) => ({ target: t.name, value: t.value, wanted: t.target, met: t.met ? 'yes' : 'NO' }))));
  for (const note of section.notes ?? []) console.log(`- ${note}`);
  return section.targets.every((t) => t.met);
}

async function main(): Promise<void> {
  const trials = Number(arg('trials', '1000'));
  const seed = Number(arg('seed', '20261206'));
  const only = arg('only', '');
  let allMet = true;
  for (const [name, run] of Object.entries(sections)) {
    if (only && name !== only) continue;
    const started = Date.now();
    const section = await run({
      trials,
      seed,
      progress: (done, total) => process.stderr.write(`\r${name}: ${done}/${total}`),
    });
    process.stderr.write(`\r${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    allMet = print(section) && allMet;
  }
  console.log(allMet ? '\nevery target met' : '\nsome targets missed (marked NO)');
  process.exitCode = allMet ? 0 : 1;
}

void main();
