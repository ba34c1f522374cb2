/**
 * An edit rule turns one word into another by removing `k` final letters and appending a
 * suffix, written "k:suffix": try → tries is "1:ies", stop → stopped "0:ped", go → went
 * "2:went" (a whole-word replacement). The same labels map forms back to lemmas (goed → go is "2:").
 */
export function editRule(from: string, to: string): string {
  let p = 0;
  const max = Math.min(from.length, to.length);
  while (p < max && from.charCodeAt(p) === to.charCodeAt(p)) p++;
  return `${from.length - p}:${to.slice(p)}`;
}

export function applyRule(word: string, rule: string): string | null {
  const colon = rule.indexOf(':');
  const k = Number(rule.slice(0, colon));
  if (k > word.length) return null;
  return word.slice(0, word.length - k) + rule.slice(colon + 1);
}

export const IDENTITY_RULE = '0:';

/** Rules a regular past participle can take: +ed, +d, y → ied, doubled consonant + ed. */
const REGULAR_PAST_RULE = /^(?:0:(?:e?d|([b-df-hj-np-tv-z])ed)|1:ied)$/;

export function isRegularPastRule(rule: string): boolean {
  return REGULAR_PAST_RULE.test(rule);
}
