import { generateTraffic, readItems } from '@lynx/tutor';
import { CORPUS_DIR } from '@lynx/tutor/testing';
import { labelSentence, labelTraffic } from './label-traffic';

describe('labelSentence', () => {
  it('corrects the verb to the form the frame calls for', () => {
    expect(labelSentence('Yesterday, he goed to the park.', 'x')).toMatchObject({
      target: 'Yesterday, he went to the park.',
      verb: { lemma: 'go', tense: 'past_simple', person: '3sg' },
      error: 'VERB:FORM',
    });
    expect(labelSentence('She has already eaten the cake.', 'y')).toMatchObject({ target: 'She has already eaten the cake.', error: null });
  });

  it('skips sentences it cannot read', () => {
    expect(labelSentence('hello there', 'z')).toBeNull();
    expect(labelSentence('He blorfs the window.', 'z')).toBeNull();
  });

  it('agrees with the corpus generator on its own items', async () => {
    const items = (await readItems(CORPUS_DIR)).slice(0, 2000);
    const labelled = items.map((i) => labelSentence(i.input, i.id));
    const agree = labelled.filter((l, k) => l !== null && l.target === items[k].target).length;
    // The analyser's lemma map is first-wins for shared forms (left: leave/left), so a few differ.
    expect(agree / items.length).toBeGreaterThan(0.95);
  });

  it('labels generated traffic including lemmas the corpus never had', () => {
    const traffic = generateTraffic({ seed: 5, count: 500, newLemmas: 20 }).map((i) => i.input);
    const { items, skipped } = labelTraffic(traffic, 'w');
    expect(items.length + skipped).toBe(500);
    expect(items.length).toBeGreaterThan(450);
    expect(items[0].id).toBe('w-000001');
  });
});
