import { extractVerbFeatures, formFor, slotFor, tokenSpans, type TutorItem } from '@lynx/tutor';

/**
 * Labels a learner sentence from live traffic, or returns null when it cannot be labelled.
 * Labelable means the tutor's analyser finds the subject, the tense frame and the verb, and the
 * verb's form maps to a lemma the lexicon knows: the correct form is then the lexicon's form for
 * that lemma in the slot the frame calls for — the same rule the corpus generator uses to write
 * its targets. Sentences with an unknown verb form or no readable frame are skipped.
 */
export function labelSentence(sentence: string, id: string): TutorItem | null {
  const features = extractVerbFeatures(sentence);
  const verb = features.verbs[0];
  if (!verb || features.scalars.known_lemma !== 1) return null;
  const spans = tokenSpans(sentence);
  const span = spans[verb.index];
  if (!span) return null;
  const form = formFor(verb.lemma, slotFor(verb.tense, verb.person));
  if (!form) return null;
  const cased = /^[A-Z]/.test(span.token) ? form[0].toUpperCase() + form.slice(1) : form;
  const target = sentence.slice(0, span.start) + cased + sentence.slice(span.start + span.token.length);
  const changed = span.token.toLowerCase() !== form;
  return {
    id,
    input: sentence,
    target,
    verb: { lemma: verb.lemma, tense: verb.tense, person: verb.person, index: verb.index },
    // The analyser cannot tell which kind of mistake it was; FORM is the generic one.
    error: changed ? 'VERB:FORM' : null,
    buckets: [`tense.${verb.tense}`, `person.${verb.person}`, 'source.drift-window'],
  };
}

/** Labels what it can of `sentences`; ids are `<prefix>-000001`… in input order. */
export function labelTraffic(sentences: readonly string[], prefix: string): { items: TutorItem[]; skipped: number } {
  const items: TutorItem[] = [];
  let skipped = 0;
  for (const s of sentences) {
    const item = labelSentence(s, `${prefix}-${String(items.length + 1).padStart(6, '0')}`);
    if (item) items.push(item);
    else skipped++;
  }
  return { items, skipped };
}
