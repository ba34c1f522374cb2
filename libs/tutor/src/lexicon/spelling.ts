/**
 * Regular English verb spelling rules, as pure functions of the base form.
 * Irregular verbs are not handled here; see `irregular.ts`.
 */

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u']);

/**
 * Multi-syllable verbs stressed on the last syllable double their final consonant
 * (admit → admitted). Stress is not visible in spelling, so these are listed; every
 * other multi-syllable verb keeps its consonant (visit → visited, open → opening).
 */
const STRESS_FINAL = new Set([
  'admit', 'begin', 'commit', 'control', 'occur', 'omit', 'permit', 'prefer', 'refer', 'regret', 'submit',
  'transfer', 'forget', 'upset', 'equip', 'forbid',
]);

function isVowel(word: string, i: number): boolean {
  const c = word[i];
  if (VOWELS.has(c)) return !(c === 'u' && word[i - 1] === 'q');
  return c === 'y' && i > 0 && !VOWELS.has(word[i - 1]);
}

function syllables(word: string): number {
  let n = 0;
  for (let i = 0; i < word.length; i++) if (isVowel(word, i) && (i === 0 || !isVowel(word, i - 1))) n++;
  return n;
}

/** True when the final consonant doubles before -ed/-ing: stop → stopped, prefer → preferred. */
export function doublesFinalConsonant(base: string): boolean {
  const n = base.length;
  if (n < 3) return false;
  const last = base[n - 1];
  if ('wxy'.includes(last) || isVowel(base, n - 1)) return false;
  // consonant-vowel-consonant with a single vowel letter: "stop" yes, "rain"/"look" no
  if (!isVowel(base, n - 2) || isVowel(base, n - 3)) return false;
  return syllables(base) === 1 || STRESS_FINAL.has(base);
}

function consonantY(base: string): boolean {
  return base.endsWith('y') && base.length > 1 && !VOWELS.has(base[base.length - 2]);
}

/** Third person singular present: try → tries, watch → watches, go → goes, play → plays. */
export function thirdPersonSingular(base: string): string {
  if (consonantY(base)) return base.slice(0, -1) + 'ies';
  if (/(?:s|x|z|ch|sh|o)$/.test(base)) return base + 'es';
  return base + 's';
}

/** Regular past and past participle: try → tried, stop → stopped, like → liked, play → played. */
export function regularPast(base: string): string {
  if (base.endsWith('e')) return base + 'd';
  if (consonantY(base)) return base.slice(0, -1) + 'ied';
  if (doublesFinalConsonant(base)) return base + base[base.length - 1] + 'ed';
  return base + 'ed';
}

/** Present participle: make → making, die → dying, stop → stopping, see → seeing, be → being. */
export function presentParticiple(base: string): string {
  if (base.endsWith('ie')) return base.slice(0, -2) + 'ying';
  if (base.endsWith('e') && !/(?:ee|ye|oe)$/.test(base) && base !== 'be') return base.slice(0, -1) + 'ing';
  if (doublesFinalConsonant(base)) return base + base[base.length - 1] + 'ing';
  return base + 'ing';
}
