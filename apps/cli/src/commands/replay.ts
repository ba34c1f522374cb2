import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { generateTraffic, parseShift, type TrafficShift } from '@lynx/tutor';
import { CliError, EXIT } from '../exit';
import { trafficCommand } from './traffic-group';

interface ReplayOpts {
  to: string;
  n: string;
  shift?: string[];
  newLemmas: string;
  model: string;
  concurrency: string;
  seed: string;
  quiet?: boolean;
}

const collect = (value: string, prev: string[] = []) => [...prev, value];

function positiveInt(name: string, value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new CliError(`${name} must be a whole number >= ${min}, got "${value}"`);
  return n;
}

export interface ReplayResult {
  sent: number;
  ok: number;
  failed: number;
  firstError?: string;
}

/** Sends each sentence as an OpenAI chat completion, `concurrency` at a time. */
export async function replaySentences(
  url: string,
  model: string,
  sentences: readonly string[],
  concurrency: number,
  onDone: () => void = () => undefined,
): Promise<ReplayResult> {
  const endpoint = new URL('/v1/chat/completions', url).toString();
  const token = process.env.LYNX_TOKEN;
  const result: ReplayResult = { sent: 0, ok: 0, failed: 0 };
  let next = 0;
  const worker = async () => {
    while (next < sentences.length) {
      const i = next++;
      result.sent++;
      try {
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          // A stable learner per sentence index, so A/B stickiness sees a realistic user mix.
          body: JSON.stringify({ model, messages: [{ role: 'user', content: sentences[i] }], user: `replay-learner-${i % 200}` }),
        });
        await res.arrayBuffer();
        if (res.ok) result.ok++;
        else {
          result.failed++;
          result.firstError ??= `HTTP ${res.status}`;
        }
      } catch (err) {
        result.failed++;
        result.firstError ??= (err as Error).message;
      }
      onDone();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, sentences.length) }, worker));
  return result;
}

/** `lynx traffic replay`: generated learner sentences (optionally shifted) through the router. */
export function registerReplayCommands(program: Command): void {
  trafficCommand(program)
    .command('replay')
    .description('send generated learner sentences through the router as OpenAI chat completions (drift experiments)')
    .requiredOption('--to <url>', 'router base URL, e.g. http://127.0.0.1:7100')
    .option('--n <count>', 'number of requests', '5000')
    .option('--shift <bucket=change>', 'shift a bucket: tense.past_participle=+30% (share ×1.3) or =+30pp (plus 30 points); repeatable', collect)
    .option('--new-lemmas <n>', 'add this many verbs the training corpus never contains', '0')
    .option('--model <name>', 'logical model to ask for', 'grammar-tutor')
    .option('--concurrency <n>', 'requests in flight', '8')
    .option('--seed <n>', 'generator seed (same seed, same sentences)', '1')
    .option('--quiet', 'no progress bar')
    .action(async (opts: ReplayOpts) => {
      const n = positiveInt('--n', opts.n);
      const concurrency = positiveInt('--concurrency', opts.concurrency);
      const seed = positiveInt('--seed', opts.seed, 0);
      const newLemmas = positiveInt('--new-lemmas', opts.newLemmas, 0);
      let shifts: TrafficShift[];
      try {
        shifts = (opts.shift ?? []).map(parseShift);
        new URL(opts.to);
      } catch (err) {
        throw new CliError((err as Error).message.replace(/^parseShift: /, '--shift: ').replace(/^Invalid URL/, `--to: not a URL: ${opts.to}`));
      }
      let items;
      try {
        items = generateTraffic({ seed, count: n, shifts, newLemmas });
      } catch (err) {
        throw new CliError((err as Error).message.replace(/^newLemmaPool: n/, '--new-lemmas'));
      }
      const bar = opts.quiet ? null : new SingleBar({ format: 'replay [{bar}] {value}/{total} {eta_formatted} left', stream: process.stderr }, Presets.shades_classic);
      bar?.start(n, 0);
      const result = await replaySentences(opts.to, opts.model, items.map((i) => i.input), concurrency, () => bar?.increment());
      bar?.stop();
      process.stdout.write(`sent ${result.sent}, ok ${result.ok}, failed ${result.failed}${result.firstError ? ` (first error: ${result.firstError})` : ''}\n`);
      if (result.failed > 0) process.exitCode = EXIT.failed;
    });
}
