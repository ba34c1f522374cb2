import type { MlflowModelVersion } from './mlflow-types';

/** The tag that names a Lynx digest on an MLflow model version. */
export const LYNX_DIGEST_TAG = 'lynx.digest';
export const LYNX_SEMVER_TAG = 'lynx.semver';

export interface LynxModelState {
  versions: Array<{ digest: string; semver: string | null; mlflow?: { run_id: string; artifact_uri: string } }>;
  /** alias → digest */
  aliases: Record<string, string>;
}

export interface MlflowModelState {
  versions: MlflowModelVersion[];
  /** alias → MLflow version number */
  aliases: Record<string, string>;
}

export interface MirrorActions {
  /** Lynx versions with no MLflow version yet, oldest first */
  create: LynxModelState['versions'];
  /** MLflow versions whose lynx.semver tag lags Lynx's semver */
  tagSemver: Array<{ version: string; semver: string }>;
  /** aliases to point at the MLflow version of a Lynx digest (the version may be created first) */
  setAliases: Array<{ alias: string; digest: string }>;
  /** MLflow aliases Lynx does not have */
  deleteAliases: string[];
  /** every way MLflow disagrees with Lynx, in words, for `lynx mlflow check` */
  disagreements: string[];
}

const tag = (v: MlflowModelVersion, key: string) => v.tags?.find((t) => t.key === key)?.value;

/**
 * What it takes to make MLflow's registry say what Lynx's says, Lynx being the authority: every
 * Lynx version an MLflow version tagged with its digest and semver, every Lynx alias an MLflow
 * alias on that version, no MLflow alias Lynx lacks. The mirror applies these actions; `lynx
 * mlflow check` prints the disagreements and changes nothing. Pure, so both share it.
 */
export function mirrorActions(lynx: LynxModelState, mlflow: MlflowModelState): MirrorActions {
  const byDigest = new Map<string, MlflowModelVersion>();
  const byNumber = new Map<string, MlflowModelVersion>();
  const disagreements: string[] = [];
  const known = new Set(lynx.versions.map((v) => v.digest));
  for (const v of mlflow.versions) {
    byNumber.set(v.version, v);
    const digest = tag(v, LYNX_DIGEST_TAG);
    if (!digest) {
      disagreements.push(`MLflow version ${v.version} has no ${LYNX_DIGEST_TAG} tag: it was not registered through Lynx`);
      continue;
    }
    if (!known.has(digest)) disagreements.push(`MLflow version ${v.version} names ${digest}, which Lynx does not have`);
    if (!byDigest.has(digest)) byDigest.set(digest, v);
  }
  const create = lynx.versions.filter((v) => !byDigest.has(v.digest));
  for (const v of create) disagreements.push(`Lynx version ${v.digest}${v.semver ? ` (${v.semver})` : ''} is missing from MLflow`);
  const tagSemver: MirrorActions['tagSemver'] = [];
  for (const v of lynx.versions) {
    const m = byDigest.get(v.digest);
    if (m && v.semver && tag(m, LYNX_SEMVER_TAG) !== v.semver) {
      tagSemver.push({ version: m.version, semver: v.semver });
      disagreements.push(`MLflow version ${m.version} is tagged ${LYNX_SEMVER_TAG}=${tag(m, LYNX_SEMVER_TAG) ?? '(none)'}, Lynx says ${v.semver}`);
    }
  }
  const setAliases: MirrorActions['setAliases'] = [];
  for (const [alias, digest] of Object.entries(lynx.aliases)) {
    const current = mlflow.aliases[alias];
    const currentDigest = current ? tag(byNumber.get(current) ?? ({} as MlflowModelVersion), LYNX_DIGEST_TAG) : undefined;
    if (currentDigest === digest) continue;
    setAliases.push({ alias, digest });
    disagreements.push(
      current
        ? `MLflow alias ${alias} → version ${current} (${currentDigest ?? 'no digest'}), Lynx says ${digest}`
        : `MLflow has no alias ${alias}, Lynx's points at ${digest}`,
    );
  }
  const deleteAliases = Object.keys(mlflow.aliases).filter((a) => !(a in lynx.aliases));
  for (const a of deleteAliases) disagreements.push(`MLflow alias ${a} → version ${mlflow.aliases[a]} does not exist in Lynx`);
  return { create, tagSemver, setAliases, deleteAliases, disagreements };
}
