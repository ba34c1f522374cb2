import type { TutorItem } from '../generator/item';
import { grade } from './grade';

const item: TutorItem = {
  id: 'x', input: 'Yesterday, he goed home.', target: 'Yesterday, he went home.',
  verb: { lemma: 'go', tense: 'past_simple', person: '3sg', index: 3 }, error: 'VERB:INFL', buckets: [],
};

describe('grade', () => {
  it('passes only the target verb, ignoring its case', () => {
    expect(grade({ corrected: 'Yesterday, he went home.' }, item)).toBe(true);
    expect(grade({ corrected: 'Yesterday, he Went home.' }, item)).toBe(true);
    expect(grade({ corrected: 'Yesterday, he goed home.' }, item)).toBe(false);
    expect(grade({ corrected: 'Yesterday, she went home.' }, item)).toBe(false);
    expect(grade({ corrected: 'Yesterday, he went home now.' }, item)).toBe(false);
  });
});
