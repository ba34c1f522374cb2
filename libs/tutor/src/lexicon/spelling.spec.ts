import { doublesFinalConsonant, presentParticiple, regularPast, thirdPersonSingular } from './spelling';

describe('regular spelling rules', () => {
  it.each([
    ['try', 'tries'], ['watch', 'watches'], ['go', 'goes'], ['play', 'plays'], ['wash', 'washes'],
    ['fix', 'fixes'], ['miss', 'misses'], ['buzz', 'buzzes'], ['work', 'works'], ['study', 'studies'],
  ])('3sg of %s is %s', (base, form) => expect(thirdPersonSingular(base)).toBe(form));

  it.each([
    ['try', 'tried'], ['stop', 'stopped'], ['play', 'played'], ['like', 'liked'], ['visit', 'visited'],
    ['prefer', 'preferred'], ['open', 'opened'], ['enjoy', 'enjoyed'], ['fix', 'fixed'], ['rain', 'rained'],
    ['admit', 'admitted'], ['listen', 'listened'], ['carry', 'carried'], ['show', 'showed'],
  ])('past of %s is %s', (base, form) => expect(regularPast(base)).toBe(form));

  it.each([
    ['make', 'making'], ['die', 'dying'], ['stop', 'stopping'], ['see', 'seeing'], ['be', 'being'],
    ['run', 'running'], ['begin', 'beginning'], ['play', 'playing'], ['lie', 'lying'], ['agree', 'agreeing'],
    ['visit', 'visiting'], ['quit', 'quitting'],
  ])('-ing of %s is %s', (base, form) => expect(presentParticiple(base)).toBe(form));

  it('doubles only consonant-vowel-consonant endings', () => {
    expect(doublesFinalConsonant('plan')).toBe(true);
    expect(doublesFinalConsonant('look')).toBe(false);
    expect(doublesFinalConsonant('fix')).toBe(false);
    expect(doublesFinalConsonant('happen')).toBe(false);
  });
});
