import { ConfigError } from '@lynx/schema';
import { loadGateConfig } from './gate-config';

describe('gate config: LYNX_GATE_AUTO_CANARY', () => {
  it('follows traffic plans unless told not to', () => {
    expect(loadGateConfig({}).autoCanary).toBe(true);
    expect(loadGateConfig({ LYNX_GATE_AUTO_CANARY: 'true' }).autoCanary).toBe(true);
    expect(loadGateConfig({ LYNX_GATE_AUTO_CANARY: 'false' }).autoCanary).toBe(false);
  });

  it('refuses anything but true or false, naming the variable', () => {
    expect(() => loadGateConfig({ LYNX_GATE_AUTO_CANARY: 'off' })).toThrow(ConfigError);
    expect(() => loadGateConfig({ LYNX_GATE_AUTO_CANARY: 'off' })).toThrow(/LYNX_GATE_AUTO_CANARY/);
  });
});
