import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleManifest } from '@lynx/bundle';
import { dataDigest } from '@lynx/tutor';
import { type DemoContext, type DemoVariant, MODEL, VARIANTS, lynx } from '../context';
import type { Manifest } from '../manifest';

const SEED = '42';
const CORPUS = 'data/corpus';

async function train(ctx: DemoContext, m: Manifest, variant: DemoVariant, out: string, baseDir?: string): Promise<string> {
  const args = ['train', '--corpus', CORPUS, '--variant', variant, '--out', out, '--seed', SEED, ...(baseDir ? ['--base', baseDir] : [])];
  return (await lynx(ctx, m, 'trainer', args)).stdout.trim();
}

/**
 * Experiment 1: train and push base, int8, lora (an adapter naming its base) and regressed;
 * retrain each with the same seed (same digest); pull each back and verify it.
 */
export async function registryRoundTrip(ctx: DemoContext, m: Manifest): Promise<void> {
  const rel = (p: string) => path.relative(ctx.setup.root, p);
  const dirs = (kind: string, v: string) => path.join(ctx.setup.workDir, kind, v);
  m.input({ name: 'corpus', digest: await dataDigest(CORPUS), path: CORPUS });
  const figures: Record<string, unknown> = {};
  for (const v of VARIANTS) {
    const first = await train(ctx, m, v, dirs('bundles', v), v === 'lora' ? ctx.bundles.base?.dir : undefined);
    const pushed = (await lynx(ctx, m, 'trainer', ['push', rel(dirs('bundles', v)), '--model', MODEL, '--tag', `variant=${v}`])).stdout.trim();
    const again = await train(ctx, m, v, dirs('retrain', v), v === 'lora' ? ctx.bundles.base?.dir : undefined);
    const pulledDigest = (await lynx(ctx, m, 'reader', ['pull', `${MODEL}@${pushed}`, rel(dirs('pulled', v))])).stdout.trim();
    const pulled = await bundleManifest(dirs('pulled', v));
    const run = JSON.parse(fs.readFileSync(`${dirs('bundles', v)}.run.json`, 'utf8')) as { parent_digest: string | null; metrics: { dev: { accuracy: number } } };
    ctx.bundles[v] = { dir: dirs('bundles', v), digest: first };
    const bytes = pulled.files.reduce((s, f) => s + f.size, 0);
    figures[v] = { digest: first, retrain_digest: again, pulled_digest: pulled.digest, bytes, dev_accuracy: run.metrics.dev.accuracy, parent_digest: run.parent_digest };
    m.output({ name: v, digest: first, path: rel(dirs('bundles', v)), bytes, parent_digest: run.parent_digest });
    m.check(`${v}: registry digest = local digest`, pushed === first, `${pushed} vs ${first}`);
    m.check(`${v}: retrain with seed ${SEED} gives the same digest`, again === first, `${again} vs ${first}`);
    m.check(`${v}: pulled copy verifies`, pulledDigest === first && pulled.digest === first, `pull printed ${pulledDigest}, folder hashes to ${pulled.digest}`);
    ctx.say(`  ${v.padEnd(9)} ${first.slice(0, 19)}…  retrain ${again === first ? 'same' : 'DIFFERENT'}  pull ${pulled.digest === first ? 'verified' : 'MISMATCH'}`);
  }
  const lora = figures.lora as { parent_digest: string | null };
  m.check('lora names base as its parent', lora.parent_digest === ctx.bundles.base?.digest, `parent ${lora.parent_digest}`);
  m.figure('variants', figures);
}
