import { ALL_LEMMAS, formFor, isIrregular, verbForms } from './lexicon';

describe('lexicon', () => {
  it('gives irregular forms from the data package', () => {
    expect(verbForms('go')).toEqual({
      base: 'go', thirdPersonSingular: 'goes', past: 'went', pastParticiple: 'gone', presentParticiple: 'going',
    });
    expect(verbForms('write').pastParticiple).toBe('written');
    expect(verbForms('have').thirdPersonSingular).toBe('has');
    expect(isIrregular('eat')).toBe(true);
    expect(isIrregular('walk')).toBe(false);
  });

  it('conjugates be by person', () => {
    expect(['pres.1sg', 'pres.3sg', 'pres.other', 'past.sg', 'past.other', 'pp'].map((s) => formFor('be', s as never)))
      .toEqual(['am', 'is', 'are', 'was', 'were', 'been']);
  });

  it('has no duplicate lemmas', () => {
    expect(new Set(ALL_LEMMAS).size).toBe(ALL_LEMMAS.length);
  });
});
