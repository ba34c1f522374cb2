import { ConfigError } from '@lynx/schema';
import { loadDriftConfig } from './drift-config';

describe('loadDriftConfig: cooldown, minimum window and triggers', () => {
  it('defaults: cooldown of one window, minimum window from the power calculation, triggers off but performance', () => {
    const c = loadDriftConfig({});
    expect(c.cooldownWindows).toBe(1);
    expect(c.minCount).toBeUndefined();
    expect(c.triggers.performance).toMatchObject({ maxDrop: 0.05, alpha: 0.01, cooldownMs: c.windowMs });
    expect(c.triggers.volume.threshold).toBeUndefined();
    expect(c.triggers.schedule.cron).toBeUndefined();
    expect(c.gateUrl).toBe('http://127.0.0.1:7102');
  });

  it('refuses the wall-clock cooldown and a bad cron with what to set instead', () => {
    expect(() => loadDriftConfig({ LYNX_DRIFT_COOLDOWN_MS: '1' })).toThrow(ConfigError);
    expect(() => loadDriftConfig({ LYNX_DRIFT_COOLDOWN_MS: '1' })).toThrow(/LYNX_DRIFT_COOLDOWN_WINDOWS/);
    expect(() => loadDriftConfig({ LYNX_DRIFT_RETRAIN_CRON: 'daily' })).toThrow(/LYNX_DRIFT_RETRAIN_CRON: .*invalid cron expression/);
    expect(loadDriftConfig({ LYNX_DRIFT_RETRAIN_CRON: '0 3 * * 1', LYNX_DRIFT_COOLDOWN_WINDOWS: '0' })).toMatchObject({ cooldownWindows: 0, triggers: { schedule: { cron: '0 3 * * 1' } } });
  });
});
