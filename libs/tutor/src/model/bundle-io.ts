import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleDigest } from '@lynx/bundle';
import { TOKENIZER_ID } from '../tokenize';
import type { Classifier, Table } from './classifier';
import type { TrainParams } from './config';
import { classifiers, emptyModel } from './model';
import type { TutorModel } from './model';

export const BUNDLE_FORMAT = 'lynx-tutor/1';
const INT8_MAX = 127;

/** config.json of a tutor bundle. */
export interface BundleConfig {
  format: string;
  tokenizer: string;
  params: TrainParams;
  /** Digest of the bundle this adapter applies to; null for a full model. */
  parent_digest: string | null;
  /** Weights stored as integers w·127 (0–127) when "int8". */
  quantisation: { type: 'int8'; scale: number } | null;
}

export interface LoadedModel extends TutorModel {
  config: BundleConfig;
}

/** JSON with keys sorted at every level, so equal content gives equal bytes. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) out[k] = sort((v as Record<string, unknown>)[k]);
      return out;
    }
    return v;
  };
  return JSON.stringify(sort(value)) + '\n';
}

function mapTable(t: Table, f: (w: number) => number): Table {
  const out: Table = {};
  for (const feat of Object.keys(t)) {
    const rules: Record<string, number> = {};
    for (const rule of Object.keys(t[feat])) {
      const w = f(t[feat][rule]);
      if (w !== 0) rules[rule] = w;
    }
    if (Object.keys(rules).length > 0) out[feat] = rules;
  }
  return out;
}

function mapModel(model: TutorModel, f: (t: Table) => Table): TutorModel {
  const out = emptyModel();
  out.analyser = { suffix: f(model.analyser.suffix), words: f(model.analyser.words) };
  for (const [slot, c] of Object.entries(model.generators)) out.generators[slot as keyof TutorModel['generators']] = { suffix: f(c.suffix), words: f(c.words) };
  return out;
}

const sameRules = (a: Record<string, number> | undefined, b: Record<string, number>) =>
  a !== undefined && canonicalJson(a) === canonicalJson(b);

/** What `model` adds over `parent`: every feature whose rule weights differ. */
export function diffModel(model: TutorModel, parent: TutorModel): TutorModel {
  const parentTables = new Map(classifiers(parent));
  const out = emptyModel();
  const outTables = new Map(classifiers(out));
  for (const [name, c] of classifiers(model)) {
    const p = parentTables.get(name) as Classifier;
    const o = outTables.get(name) as Classifier;
    for (const kind of ['suffix', 'words'] as const) {
      for (const feat of Object.keys(c[kind])) if (!sameRules(p[kind][feat], c[kind][feat])) o[kind][feat] = c[kind][feat];
    }
  }
  return out;
}

/** Parent tables with the adapter's features laid over them. */
export function mergeModel(parent: TutorModel, adapter: TutorModel): TutorModel {
  const merged = mapModel(parent, (t) => ({ ...t }));
  const mergedTables = new Map(classifiers(merged));
  for (const [name, c] of classifiers(adapter)) {
    const m = mergedTables.get(name) as Classifier;
    Object.assign(m.suffix, c.suffix);
    Object.assign(m.words, c.words);
  }
  return merged;
}

/** Writes config.json and model.json; nothing that varies between runs goes in. Returns the bundle digest. */
export async function saveBundle(dir: string, model: TutorModel, params: TrainParams, parentDigest: string | null): Promise<string> {
  const quantisation = params.quantisation === 'int8' ? { type: 'int8' as const, scale: 1 / INT8_MAX } : null;
  const stored = quantisation ? mapModel(model, (t) => mapTable(t, (w) => Math.round(w * INT8_MAX))) : model;
  const config: BundleConfig = { format: BUNDLE_FORMAT, tokenizer: TOKENIZER_ID, params, parent_digest: parentDigest, quantisation };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), canonicalJson(config));
  await writeFile(join(dir, 'model.json'), canonicalJson(stored));
  return bundleDigest(dir);
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

/**
 * Loads a tutor bundle. An adapter needs its parent: `baseDir` must hold the bundle whose
 * digest the adapter names, or loading fails.
 */
export async function loadModel(dir: string, baseDir?: string): Promise<LoadedModel> {
  const config = await readJson<BundleConfig>(join(dir, 'config.json'));
  if (config.format !== BUNDLE_FORMAT) throw new Error(`${dir}: not a tutor bundle (format ${String(config.format)})`);
  let model = await readJson<TutorModel>(join(dir, 'model.json'));
  if (config.quantisation) {
    const scale = config.quantisation.scale;
    model = mapModel(model, (t) => mapTable(t, (q) => q * scale));
  }
  if (config.parent_digest) {
    if (!baseDir) throw new Error(`${dir} is an adapter: load it with its base bundle (${config.parent_digest})`);
    const actual = await bundleDigest(baseDir);
    if (actual !== config.parent_digest) {
      throw new Error(`${baseDir} has digest ${actual}, but the adapter needs ${config.parent_digest}`);
    }
    model = mergeModel(await loadModel(baseDir), model);
  }
  return { ...model, config };
}
