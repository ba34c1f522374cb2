import { mirrorActions, type MlflowModelState } from './mirror-diff';

const d = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const mv = (version: string, digest?: string, semver?: string) => ({
  name: 'm',
  version,
  source: 's',
  tags: [...(digest ? [{ key: 'lynx.digest', value: digest }] : []), ...(semver ? [{ key: 'lynx.semver', value: semver }] : [])],
});

describe('mirrorActions', () => {
  const lynx = {
    versions: [
      { digest: d(1), semver: 'v1.0.0' },
      { digest: d(2), semver: 'v1.1.0' },
      { digest: d(3), semver: null },
    ],
    aliases: { production: d(2), staging: d(3) },
  };

  it('asks for nothing when MLflow says what Lynx says', () => {
    const mlflow: MlflowModelState = {
      versions: [mv('1', d(1), 'v1.0.0'), mv('2', d(2), 'v1.1.0'), mv('3', d(3))],
      aliases: { production: '2', staging: '3' },
    };
    expect(mirrorActions(lynx, mlflow)).toEqual({ create: [], tagSemver: [], setAliases: [], deleteAliases: [], disagreements: [] });
  });

  it('creates what is missing, moves aliases to Lynx digests and drops aliases Lynx lacks', () => {
    const mlflow: MlflowModelState = { versions: [mv('1', d(1), 'v1.0.0'), mv('2', d(2))], aliases: { production: '1', champion: '1' } };
    const actions = mirrorActions(lynx, mlflow);
    expect(actions.create.map((v) => v.digest)).toEqual([d(3)]);
    expect(actions.tagSemver).toEqual([{ version: '2', semver: 'v1.1.0' }]);
    expect(actions.setAliases).toEqual([{ alias: 'production', digest: d(2) }, { alias: 'staging', digest: d(3) }]);
    expect(actions.deleteAliases).toEqual(['champion']);
    expect(actions.disagreements).toHaveLength(5);
  });

  it('never follows MLflow: a version Lynx does not know, or one without a digest, is reported and left alone', () => {
    const mlflow: MlflowModelState = {
      versions: [mv('1', d(1), 'v1.0.0'), mv('2', d(2), 'v1.1.0'), mv('3', d(3)), mv('4', d(9)), mv('5')],
      aliases: { production: '4', staging: '3' },
    };
    const actions = mirrorActions(lynx, mlflow);
    expect(actions.create).toEqual([]);
    expect(actions.setAliases).toEqual([{ alias: 'production', digest: d(2) }]);
    expect(actions.disagreements.join('\n')).toMatch(/version 4 names sha256:9+, which Lynx does not have/);
    expect(actions.disagreements.join('\n')).toMatch(/version 5 has no lynx.digest tag/);
  });
});
