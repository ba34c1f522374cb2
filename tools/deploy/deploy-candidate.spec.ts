import { execFile } from 'node:child_process';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import {
  makeTempDir,
  pythonToolEnv,
  runPython,
  startMlflowServer,
  startRegistryChild,
  startTestOidcIssuer,
  venvDir,
  type MlflowServer,
  type RegistryChild,
  type TestOidcIssuer,
} from '@lynx/platform/testing';
import { bundleDigest } from '@lynx/bundle';
import { runTraining } from '@lynx/tutor';

// The deploy workflow exercised without GitHub: its stages, in the order the workflow lists them,
// run as one bash script in a fresh clone against a real `mlflow server` (a run logged by MLflow's
// Python client), the real `dvc` and a real registry. Identity: the registry trusts a local OIDC
// issuer (the stand-in for GitHub's) and the stages present its token, as the workflow presents
// GitHub's; registry in dev mode, so the line starts with a bootstrap promote.
jest.setTimeout(600_000);

const REPO = resolve(__dirname, '../..');
const LYNX = `${process.execPath} ${join(REPO, 'tools/bin/lynx.js')}`;

/** Python: logs a tutor bundle as an MLflow run's `model/` artifacts; prints RUN_ID=… (MLflow prints a "View run" line after). */
const LOG_RUN = `
import sys, mlflow
mlflow.set_tracking_uri(sys.argv[1])
mlflow.set_experiment(sys.argv[2])
with mlflow.start_run() as run:
    mlflow.set_tag("lynx.parent_digest", sys.argv[4])
    mlflow.log_param("variant", "lora")
    mlflow.log_artifacts(sys.argv[3], "model")
    print("RUN_ID=" + run.info.run_id, flush=True)
`;

type Step = { run?: string };

/** The workflow's stage names in order: each step that runs tools/deploy/deploy-candidate.sh <stage>. */
async function workflowStages(): Promise<string[]> {
  const wf = parse(await readFile(join(REPO, '.github/workflows/deploy-grammar-tutor.yml'), 'utf8'));
  return (wf.jobs.gate.steps as Step[]).flatMap((s) => [...String(s.run ?? '').matchAll(/deploy-candidate\.sh (\w+)/g)].map((m) => m[1]));
}

/** One bash script: each stage, then its $GITHUB_OUTPUT lines exported as the next steps' env (as the workflow maps them). */
function script(stages: string[]): string {
  return [
    'set -euo pipefail',
    'export GITHUB_OUTPUT="$PWD/github-output"; : > "$GITHUB_OUTPUT"',
    'to_env() { while IFS="=" read -r k v; do export "${k^^}=$v"; done < "$GITHUB_OUTPUT"; }',
    ...stages.map((s) => `bash tools/deploy/deploy-candidate.sh ${s}; to_env`),
  ].join('\n');
}

function bash(text: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('bash', ['-c', text], { cwd, env: pythonToolEnv(env), maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) =>
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('deploy workflow stages against real mlflow and dvc', () => {
  let mlflow: MlflowServer;
  let registry: RegistryChild;
  let issuer: TestOidcIssuer;
  let tmp: { dir: string; cleanup(): Promise<void> };
  let clone: string;
  let runId: string;
  const digests: Record<string, string> = {};
  const model = `deploy-${Date.now().toString(36)}`;
  const stageEnv = async (body: string) => ({
    BODY: body,
    DEPLOY_MODEL: model,
    LYNX_CLI: LYNX,
    LYNX_VENV: venvDir(),
    NODE_PATH: join(REPO, 'node_modules'),
    LYNX_REGISTRY_URL: registry.url,
    LYNX_NAMESPACE: registry.ns.namespace,
    LYNX_NATS_URL: registry.ns.env.LYNX_NATS_URL,
    LYNX_MLFLOW_TRACKING_URI: mlflow.url,
    LYNX_TOKEN: await issuer.sign(issuer.claims()),
    REASON: 'deploy-grammar-tutor: test',
  });
  const production = async () => (await registry.call('GET', `/v1/models/${model}/versions/production`, undefined, 'reader')).body as { digest?: string; semver?: string };

  beforeAll(async () => {
    issuer = await startTestOidcIssuer();
    [mlflow, tmp] = await Promise.all([startMlflowServer(), makeTempDir('lynx-deploy-')]);
    registry = await startRegistryChild({ prefix: 'deploy', env: { LYNX_ENV: 'dev', ...issuer.env } });
    const corpus = join(REPO, 'data/corpus');
    await runTraining({ corpus, variant: 'base', out: join(tmp.dir, 'base') });
    await runTraining({ corpus, variant: 'lora', out: join(tmp.dir, 'lora'), base: join(tmp.dir, 'base') });
    digests.lora = await bundleDigest(join(tmp.dir, 'lora'));
    // Production starts with base (pushed by a trainer, bootstrapped as CI); the PR deploys lora from MLflow.
    const env = { LYNX_REGISTRY_URL: registry.url, LYNX_NAMESPACE: registry.ns.namespace };
    const push = await bash(`${LYNX} push ${join(tmp.dir, 'base')} --model ${model}`, REPO, { ...env, LYNX_TOKEN: registry.tokens.trainer });
    expect(push.code).toBe(0);
    digests.base = push.stdout.match(/sha256:[0-9a-f]{64}/)![0];
    const boot = await bash(`${LYNX} gate promote ${model}@${digests.base} --semver v0.1.0 --bootstrap --reason "start the line"`, REPO, { ...env, LYNX_TOKEN: await issuer.sign(issuer.claims()) });
    expect([boot.code, boot.stderr]).toEqual([0, '']);
    const logged = await runPython(LOG_RUN, [mlflow.url, model, join(tmp.dir, 'lora'), digests.base]);
    runId = logged.match(/RUN_ID=([0-9a-f]{32})/)![1];
    clone = join(tmp.dir, 'repo');
    const head = (await bash('git rev-parse HEAD', REPO, {})).stdout.trim();
    expect((await bash(`git clone -q --no-checkout ${REPO} ${clone} && git -C ${clone} checkout -q ${head}`, tmp.dir, {})).code).toBe(0);
  });
  afterAll(async () => {
    await registry?.stop();
    await mlflow?.stop();
    await issuer?.close();
    await tmp?.cleanup();
  });

  it('lists the six stages in order: request, dvc and hash assertion, MLflow download, evaluate, promote last', async () => {
    expect(await workflowStages()).toEqual(['request', 'dvc', 'download', 'evaluate', 'promote']);
  });

  it('a request that is not strictly mlflow_run_id=<id> semver=vX.Y.Z stops at the first stage with exit 2', async () => {
    const res = await bash(script(await workflowStages()), clone, await stageEnv(`mlflow_run_id=${runId}; touch pwned semver=v1.0`));
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/the PR body must name mlflow_run_id=/);
    expect((await production()).digest).toBe(digests.base);
  });

  it('a changed eval set stops at the dvc stage: nothing registered, production unchanged', async () => {
    const evalSet = join(clone, 'data/eval/grammar-eval.jsonl');
    const original = await readFile(evalSet);
    await appendFile(evalSet, '\n');
    try {
      const res = await bash(script(await workflowStages()), clone, await stageEnv(`Deploy.\n\nmlflow_run_id=${runId} semver=v0.2.0\n`));
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/the data differs from dvc\.lock/);
      expect(res.stdout).not.toMatch(/gate:/);
      expect((await production()).digest).toBe(digests.base);
    } finally {
      await writeFile(evalSet, original);
    }
  });

  it('the PR names an MLflow run: dvc checks the eval set, the run is registered with its lineage, evaluated and promoted last', async () => {
    const res = await bash(script(await workflowStages()), clone, await stageEnv(`Deploy the lora adapter.\n\nmlflow_run_id=${runId} semver=v0.2.0\n`));
    expect(res.stderr).not.toMatch(/deploy: /);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/DVC hash [0-9a-f]{32} \(dvc\.lock, file and eval_baseline\.json agree\)/);
    expect(res.stdout).toMatch(/gate: PASS/);
    expect(await production()).toMatchObject({ digest: digests.lora, semver: 'v0.2.0' });
    const lineage = await registry.call('GET', `/v1/lineage/${model}/${digests.lora}`, undefined, 'reader');
    expect(JSON.stringify(lineage.body)).toContain(runId);
  });
});
