import { readFileSync } from 'node:fs';
import { CliError } from '../exit';

/** A histogram file: `{"bins": [labels…], "counts": [non-negative numbers…]}`. */
export interface HistogramInput {
  kind: 'histogram';
  bins: string[];
  counts: number[];
}

/** A raw-sample file: `{"values": [finite numbers…]}`. */
export interface ValuesInput {
  kind: 'values';
  values: number[];
}

export type DriftInput = HistogramInput | ValuesInput;

const SHAPES = 'expected {"bins": [...], "counts": [...]} or {"values": [...]}';

/** Reads and validates one drift input file; every failure names the file and says what to fix. */
export function readDriftInput(file: string): DriftInput {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(`${file}: cannot read the file (${code === 'ENOENT' ? 'no such file' : (code ?? String(err))})`);
  }
  return parseDriftInput(text, file);
}

export function parseDriftInput(text: string, file: string): DriftInput {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${file}: not valid JSON (${(err as Error).message}); ${SHAPES}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new CliError(`${file}: ${SHAPES}`);
  const obj = data as Record<string, unknown>;
  if ('values' in obj) {
    if ('bins' in obj || 'counts' in obj) throw new CliError(`${file}: give either "values" or "bins"+"counts", not both`);
    return { kind: 'values', values: numbers(file, 'values', obj.values, false) };
  }
  if (!('bins' in obj) || !('counts' in obj)) throw new CliError(`${file}: ${SHAPES}`);
  if (!Array.isArray(obj.bins) || obj.bins.length === 0) throw new CliError(`${file}: "bins" must be a non-empty array of labels`);
  const bins = obj.bins.map((b, i) => {
    if (typeof b !== 'string' && typeof b !== 'number') throw new CliError(`${file}: bins[${i}] must be a string or number label`);
    return String(b);
  });
  const seen = new Set<string>();
  for (const b of bins) {
    if (seen.has(b)) throw new CliError(`${file}: bin label "${b}" appears twice; labels must be unique`);
    seen.add(b);
  }
  const counts = numbers(file, 'counts', obj.counts, true);
  if (counts.length !== bins.length) {
    throw new CliError(`${file}: "bins" and "counts" must have the same length (${bins.length} vs ${counts.length})`);
  }
  if (counts.every((c) => c === 0)) throw new CliError(`${file}: "counts" are all zero; a histogram needs at least one observation`);
  return { kind: 'histogram', bins, counts };
}

function numbers(file: string, key: string, value: unknown, nonNegative: boolean): number[] {
  if (!Array.isArray(value) || value.length === 0) throw new CliError(`${file}: "${key}" must be a non-empty array of numbers`);
  return value.map((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new CliError(`${file}: ${key}[${i}] must be a finite number, got ${JSON.stringify(v)}`);
    if (nonNegative && v < 0) throw new CliError(`${file}: ${key}[${i}] is negative (${v}); counts must be >= 0`);
    return v;
  });
}
