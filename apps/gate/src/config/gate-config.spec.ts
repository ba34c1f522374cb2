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

  it('reads canary steps as weights or Argo-style JSON, and refuses steps that leave stable without traffic', () => {
    expect(loadGateConfig({ LYNX_GATE_CANARY_STEPS: '5,25' }).canaryPolicy.steps).toEqual([5, 25]);
    const json = '[{"setWeight":5},{"pause":{"measurements":3}},{"setWeight":40}]';
    expect(loadGateConfig({ LYNX_GATE_CANARY_STEPS: json }).canaryPolicy.steps).toEqual([{ setWeight: 5 }, { pause: { measurements: 3 } }, { setWeight: 40 }]);
    expect(() => loadGateConfig({ LYNX_GATE_CANARY_STEPS: '5,100' })).toThrow(/the last analysis needs stable traffic/);
    expect(() => loadGateConfig({ LYNX_GATE_CANARY_STEPS: '[{"setWeight":5},{"hold":1}]' })).toThrow(/LYNX_GATE_CANARY_STEPS/);
    expect(() => loadGateConfig({ LYNX_GATE_CANARY_ALPHA: '0.7' })).toThrow(/LYNX_GATE_CANARY_ALPHA/);
  });
});
