import { applyRule, editRule, isRegularPastRule } from './edit-rule';

describe('edit rules', () => {
  it.each([
    ['try', 'tries', '1:ies'], ['stop', 'stopped', '0:ped'], ['make', 'making', '1:ing'], ['go', 'went', '2:went'],
    ['goed', 'go', '2:'], ['go', 'go', '0:'],
  ])('%s → %s is %s and applies back', (from, to, rule) => {
    expect(editRule(from, to)).toBe(rule);
    expect(applyRule(from, rule)).toBe(to);
  });

  it('refuses a rule longer than the word and tells regular past rules apart', () => {
    expect(applyRule('go', '3:x')).toBeNull();
    expect(['0:ed', '0:d', '1:ied', '0:ped'].every(isRegularPastRule)).toBe(true);
    expect(['2:went', '0:', '2:en', '3:ook'].some(isRegularPastRule)).toBe(false);
  });
});
