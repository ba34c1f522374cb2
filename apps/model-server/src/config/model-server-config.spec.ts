import { ConfigError } from '@lynx/schema';
import { parseModelSpecs } from './model-server-config';

const HEX = 'ab'.repeat(32);

describe('parseModelSpecs', () => {
  it('reads names, locations, digests and parents', () => {
    expect(parseModelSpecs(`base=b/base@sha256:${HEX}, lora=b/lora:base,int8=grammar-tutor@sha256:${HEX}:base`)).toEqual([
      { name: 'base', location: `b/base@sha256:${HEX}` },
      { name: 'lora', location: 'b/lora', parent: 'base' },
      { name: 'int8', location: `grammar-tutor@sha256:${HEX}`, parent: 'base' },
    ]);
  });

  it('is empty when unset', () => {
    expect(parseModelSpecs(undefined)).toEqual([]);
    expect(parseModelSpecs(' ')).toEqual([]);
  });

  it.each([
    ['no equals sign', 'base'],
    ['a duplicate name', 'a=x,a=y'],
    ['a parent listed later', 'lora=x:base,base=y'],
    ['an unknown parent', 'lora=x:nobody'],
  ])('refuses %s', (_, value) => {
    expect(() => parseModelSpecs(value)).toThrow(ConfigError);
  });
});
