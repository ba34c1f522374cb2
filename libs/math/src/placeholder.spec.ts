import { PLACEHOLDER } from './index';
test('placeholder', () => expect(PLACEHOLDER).toBe(1));
