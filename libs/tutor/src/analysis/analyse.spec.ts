import { tokenize } from '../tokenize';
import { analyse } from './analyse';

function frameOf(sentence: string) {
  const tokens = tokenize(sentence);
  const frame = analyse(tokens);
  return frame && { ...frame, verb: tokens[frame.verbIndex] };
}

describe('analyse', () => {
  it.each([
    ['Yesterday, he go to school.', 'go', 'past_simple', '3sg'],
    ['Yesterday he go to school.', 'go', 'past_simple', '3sg'],
    ['Last week they buy a car.', 'buy', 'past_simple', '3pl'],
    ['Every day she walk to work.', 'walk', 'present_simple', '3sg'],
    ['Tomorrow we visit them.', 'visit', 'simple_future', '1pl'],
    ['He go to school yesterday.', 'go', 'past_simple', '3sg'],
    ['Maria go to school.', 'go', 'present_simple', '3sg'],
  ])('%s → verb %s, %s, %s', (sentence, verb, tense, person) => {
    expect(frameOf(sentence)).toMatchObject({ verb, tense, person });
  });

  it('does not mistake a fronted time word for a name', () => {
    expect(frameOf('Yesterday he go to school.')?.verbIndex).toBe(2);
  });
});
