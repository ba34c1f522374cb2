import type { Person, Tense } from '../lexicon';

/**
 * Reads the grammatical frame of a learner sentence without knowing the verb: who the
 * subject is (→ person), which auxiliary or adverbial fixes the tense, and which token is
 * the verb under test. Works on lower-cased tokens from `tokenize`.
 */
export interface Frame {
  verbIndex: number;
  tense: Tense;
  person: Person;
  /** The auxiliary that governs the verb ("will", "has", "to"), if any. */
  aux: string | null;
}

const PRONOUNS: Record<string, Person> = { i: '1sg', you: '2sg', he: '3sg', she: '3sg', it: '3sg', we: '1pl', they: '3pl' };
const DETERMINERS = new Set(['the', 'my', 'our', 'your', 'his', 'her', 'their', 'a', 'an', 'this', 'that', 'these', 'those']);
const IRREGULAR_PLURALS = new Set(['children', 'people', 'men', 'women', 'police']);
const MID_ADVERBS = new Set(['usually', 'often', 'always', 'sometimes', 'never', 'already', 'just', 'also', 'still']);
/** Time words a learner may put first without a comma ("Yesterday he go …"): never the subject. */
const LEADING_TIME_WORDS = new Set(['yesterday', 'tomorrow', 'today', 'tonight', 'now', 'usually', 'often', 'sometimes', 'always', 'soon']);
/** Two-word fronted adverbials: "last week", "next year", "every day", "this morning". */
const LEADING_TIME_HEADS = new Set(['last', 'next', 'every', 'this']);
const PAST_MARKERS = new Set(['yesterday', 'ago', 'last']);
const FUTURE_MARKERS = new Set(['tomorrow', 'next', 'soon']);
const PERFECT_AUX = new Set(['has', 'have']);
/** "has" is the perfect auxiliary only with a perfect time marker; otherwise it is the verb ("he has a dog"). */
const PERFECT_MARKERS = new Set(['already', 'just', 'never', 'since', 'for', 'before', 'yet', 'ever']);
const INFINITIVE_HEADS = new Set(['want', 'wants', 'need', 'needs', 'hope', 'hopes', 'plan', 'plans']);

function nounPerson(noun: string): Person {
  if (IRREGULAR_PLURALS.has(noun)) return '3pl';
  return noun.endsWith('s') && !noun.endsWith('ss') ? '3pl' : '3sg';
}

/** One subject noun phrase starting at `i`: [end index (exclusive), person] or null. */
function subjectAt(lower: readonly string[], raw: readonly string[], i: number): [number, Person] | null {
  const w = lower[i];
  if (w === undefined) return null;
  if (w === 'you' && (lower[i + 1] === 'all' || lower[i + 1] === 'both')) return [i + 2, '2pl'];
  if (PRONOUNS[w]) return [i + 1, PRONOUNS[w]];
  if (DETERMINERS.has(w) && lower[i + 1] !== undefined) return [i + 2, nounPerson(lower[i + 1])];
  const first = raw[i].charCodeAt(0);
  if (first >= 65 && first <= 90) return [i + 1, '3sg'];
  return null;
}

function coordinated(a: Person, b: Person): Person {
  if (a === '1sg' || b === '1sg' || a === '1pl' || b === '1pl') return '1pl';
  if (a === '2sg' || b === '2sg' || a === '2pl' || b === '2pl') return '2pl';
  return '3pl';
}

export function analyse(raw: readonly string[], lower: readonly string[] = raw.map((t) => t.toLowerCase())): Frame | null {
  let i = 0;
  const comma = lower.indexOf(',');
  if (comma > 0 && comma < 4) i = comma + 1;
  else i = leadingTimeEnd(lower);
  const first = subjectAt(lower, raw, i);
  if (!first) return null;
  let [end, person] = first;
  if (lower[end] === 'and') {
    const second = subjectAt(lower, raw, end + 1);
    if (second) [end, person] = [second[0], coordinated(person, second[1])];
  }
  let j = end;
  while (MID_ADVERBS.has(lower[j])) j++;
  let aux: string | null = null;
  let tense: Tense | null = null;
  if (lower[j] === 'will') {
    aux = 'will';
    tense = 'simple_future';
  } else if (PERFECT_AUX.has(lower[j]) && !DETERMINERS.has(lower[j + 1]) && lower.some((w) => PERFECT_MARKERS.has(w))) {
    aux = lower[j];
    tense = 'past_participle';
  } else if (INFINITIVE_HEADS.has(lower[j]) && lower[j + 1] === 'to') {
    aux = 'to';
    tense = 'infinitive';
    j++;
  }
  if (aux) {
    j++;
    while (MID_ADVERBS.has(lower[j])) j++;
  }
  if (j >= lower.length || !/^[a-z]/.test(lower[j])) return null;
  if (!tense) tense = timeOf(lower);
  return { verbIndex: j, tense, person, aux };
}

/** Index just past a fronted time adverbial written without a comma, or 0 when there is none. */
function leadingTimeEnd(lower: readonly string[]): number {
  if (LEADING_TIME_WORDS.has(lower[0])) return 1;
  if (LEADING_TIME_HEADS.has(lower[0]) && lower[1] !== undefined && lower[2] !== undefined && subjectStarts(lower[2])) return 2;
  return 0;
}

function subjectStarts(w: string): boolean {
  return PRONOUNS[w] !== undefined || DETERMINERS.has(w);
}

/** The tense the time adverbials call for; present simple when none does. */
function timeOf(lower: readonly string[]): Tense {
  for (const w of lower) {
    if (PAST_MARKERS.has(w)) return 'past_simple';
    if (FUTURE_MARKERS.has(w)) return 'simple_future';
  }
  return 'present_simple';
}
