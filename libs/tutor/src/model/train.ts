import { slotFor } from '../lexicon';
import type { Slot } from '../lexicon';
import type { TutorItem } from '../generator/item';
import { mulberry32 } from '../generator/prng';
import { tokenize } from '../tokenize';
import { predict, suffixFeatures } from './classifier';
import type { Classifier, Table } from './classifier';
import type { TrainParams } from './config';
import { editRule, isRegularPastRule } from './edit-rule';
import { emptyModel } from './model';
import type { TutorModel } from './model';

type Example = [word: string, rule: string];

/** Learns one classifier from (word, rule) examples. */
export function trainClassifier(examples: readonly Example[], params: Pick<TrainParams, 'memorise' | 'minSupport'>): Classifier {
  const total = new Map<string, number>();
  const counts = new Map<string, Map<string, { n: number; words: Set<string> }>>();
  for (const [word, rule] of examples) {
    for (const f of suffixFeatures(word)) {
      total.set(f, (total.get(f) ?? 0) + 1);
      let byRule = counts.get(f);
      if (!byRule) counts.set(f, (byRule = new Map()));
      let c = byRule.get(rule);
      if (!c) byRule.set(rule, (c = { n: 0, words: new Set() }));
      c.n++;
      c.words.add(word);
    }
  }
  const suffix: Table = {};
  for (const [f, byRule] of counts) {
    for (const [rule, c] of byRule) {
      if (c.words.size < params.minSupport) continue;
      (suffix[f] ??= {})[rule] = c.n / (total.get(f) as number);
    }
  }
  const classifier: Classifier = { suffix, words: {} };
  if (!params.memorise) return classifier;
  // Memorise a word only where the suffix rules get it wrong: the exceptions.
  const byWord = new Map<string, Map<string, number>>();
  for (const [word, rule] of examples) {
    let m = byWord.get(word);
    if (!m) byWord.set(word, (m = new Map()));
    m.set(rule, (m.get(rule) ?? 0) + 1);
  }
  const words: Table = {};
  for (const [word, m] of byWord) {
    const [rule, n] = [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    if (predict(classifier, word).rule === rule) continue;
    let sum = 0;
    for (const v of m.values()) sum += v;
    words[word] = { [rule]: n / sum };
  }
  classifier.words = words;
  return classifier;
}

/** Deterministic train/dev split: the seed decides which items are held back. */
export function splitCorpus(items: readonly TutorItem[], seed: number, devShare: number): { train: TutorItem[]; dev: TutorItem[] } {
  const random = mulberry32(seed);
  const train: TutorItem[] = [];
  const dev: TutorItem[] = [];
  for (const item of items) (random() < devShare ? dev : train).push(item);
  return { train, dev };
}

/** The examples one item teaches: its target form per slot, and lemma analyses of both the target and the learner's form. */
export function trainModel(items: readonly TutorItem[], params: TrainParams, onProgress?: (done: number) => void): TutorModel {
  const generatorExamples = new Map<Slot, Example[]>();
  const analyserExamples: Example[] = [];
  items.forEach((item, i) => {
    const { lemma, tense, person, index } = item.verb;
    const slot = slotFor(tense, person);
    const target = tokenize(item.target)[index].toLowerCase();
    const input = tokenize(item.input)[index]?.toLowerCase();
    const rule = editRule(lemma, target);
    const irregularParticiple = slot === 'pp' && !isRegularPastRule(rule) && target !== lemma;
    if (!(params.dropIrregularParticiples && irregularParticiple)) {
      if (!generatorExamples.has(slot)) generatorExamples.set(slot, []);
      (generatorExamples.get(slot) as Example[]).push([lemma, rule]);
      analyserExamples.push([target, editRule(target, lemma)]);
    }
    if (input && input !== target) analyserExamples.push([input, editRule(input, lemma)]);
    if (onProgress && i % 256 === 0) onProgress(i);
  });
  const model = emptyModel();
  model.analyser = trainClassifier(analyserExamples, params);
  for (const [slot, examples] of generatorExamples) model.generators[slot] = trainClassifier(examples, params);
  onProgress?.(items.length);
  return model;
}
