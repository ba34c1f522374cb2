#!/usr/bin/env bash
# The deploy workflow's stages (.github/workflows/deploy-grammar-tutor.yml calls one per step, in
# this order; tools/deploy/deploy-candidate.spec.ts runs them the same way against real mlflow
# and dvc):
#   request   parse the PR body (env BODY) as data: mlflow_run_id=<id> semver=vX.Y.Z, or
#             candidate=<model>@<ref> semver=vX.Y.Z; writes the values to $GITHUB_OUTPUT
#   dvc       dvc pull, dvc status clean, and the eval set's DVC hash in dvc.lock, on disk and in
#             eval_baseline.json (eval_set_dvc_hash) all equal; then Lynx's own digest check
#   download  MLFLOW_RUN_ID: lynx push --mlflow-run (the registry records the run's lineage); the
#             candidate is then pulled back and verified; writes candidate=<model>@<digest>
#   evaluate  lynx gate evaluate against eval_baseline.json (table in gate-table.txt)
#   promote   lynx gate promote: the last stage, the only one that changes production
# Every stage exits non-zero with a message on stderr when it stops the deploy.
# Env: LYNX_VENV (dvc; default .lynx/venv), LYNX_CLI (default "npx lynx"), DEPLOY_MODEL
# (default grammar-tutor), LYNX_REGISTRY_URL, LYNX_TOKEN, LYNX_MLFLOW_TRACKING_URI.
set -euo pipefail

EVAL_SET=data/eval/grammar-eval.jsonl
BASELINE=eval_baseline.json
MODEL=${DEPLOY_MODEL:-grammar-tutor}
read -r -a LYNX <<< "${LYNX_CLI:-npx lynx}"
DVC="${LYNX_VENV:-.lynx/venv}/bin/dvc"
export DVC_NO_ANALYTICS=1 DO_NOT_TRACK=1

die() { printf 'deploy: %s\n' "$*" | tee -a gate-table.txt >&2; exit 2; }
output() { if [[ -n "${GITHUB_OUTPUT:-}" ]]; then printf '%s=%s\n' "$1" "$2" >> "$GITHUB_OUTPUT"; else printf '%s=%s\n' "$1" "$2"; fi; }

# The body is data: each value is matched whole against a strict pattern, never evaluated.
stage_request() {
  local body=${BODY:-} run_id candidate semver
  run_id=$(printf '%s\n' "$body" | grep -oE '(^|[[:space:]])mlflow_run_id=[0-9a-f]{32}([[:space:]]|$)' | head -n1 | tr -d '[:space:]' | cut -d= -f2- || true)
  candidate=$(printf '%s\n' "$body" | grep -oE '(^|[[:space:]])candidate=[a-z0-9][a-z0-9._-]{0,63}@[A-Za-z0-9:._-]{1,80}([[:space:]]|$)' | head -n1 | tr -d '[:space:]' | cut -d= -f2- || true)
  semver=$(printf '%s\n' "$body" | grep -oE '(^|[[:space:]])semver=v(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})([[:space:]]|$)' | head -n1 | tr -d '[:space:]' | cut -d= -f2- || true)
  if [[ -n "$run_id" && -n "$candidate" ]]; then die "the PR body names both mlflow_run_id= and candidate=: name one"; fi
  if ! [[ "$semver" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] || ! [[ "$run_id" =~ ^[0-9a-f]{32}$ || "$candidate" =~ ^[a-z0-9][a-z0-9._-]{0,63}@[A-Za-z0-9:._-]{1,80}$ ]]; then
    die "the PR body must name mlflow_run_id=<32 hex> (or candidate=<model>@<ref>) and semver=<vX.Y.Z> (a release semver)"
  fi
  output semver "$semver"
  if [[ -n "$run_id" ]]; then output mlflow_run_id "$run_id"; else output candidate "$candidate"; fi
}

# Outputs are in git (dvc.yaml, cache: false): pull has nothing to fetch and must say so, not fail.
stage_dvc() {
  [[ -x "$DVC" ]] || die "$DVC is missing: run 'bash tools/python/venv.sh' (LYNX_VENV names another venv)"
  "$DVC" pull || die "dvc pull failed"
  local status
  status=$("$DVC" status --json) || die "dvc status failed"
  [[ "$status" == "{}" ]] || die "the data differs from dvc.lock (dvc status: $status); run dvc repro or restore the committed data"
  local locked baseline actual
  locked=$(node -e 'const y=require("yaml");const l=y.parse(require("fs").readFileSync("dvc.lock","utf8"));for(const s of Object.values(l.stages))for(const o of s.outs??[])if(o.path===process.argv[1])process.stdout.write(o.md5)' "$EVAL_SET")
  baseline=$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).eval_set_dvc_hash??"")' "$BASELINE")
  actual=$(md5sum "$EVAL_SET" | cut -d' ' -f1)
  [[ -n "$locked" ]] || die "dvc.lock has no output $EVAL_SET"
  [[ -n "$baseline" ]] || die "$BASELINE has no eval_set_dvc_hash: measure it again with npm run data:baseline"
  [[ "$locked" == "$baseline" && "$actual" == "$baseline" ]] ||
    die "eval set DVC hash mismatch: dvc.lock $locked, file $actual, $BASELINE eval_set_dvc_hash $baseline"
  echo "eval set $EVAL_SET: DVC hash $baseline (dvc.lock, file and $BASELINE agree)"
  "${LYNX[@]}" data verify "$EVAL_SET"
}

stage_download() {
  local candidate=${CANDIDATE:-}
  if [[ -n "${MLFLOW_RUN_ID:-}" ]]; then
    local digest
    digest=$("${LYNX[@]}" push --mlflow-run "$MLFLOW_RUN_ID" --model "$MODEL" | grep -oE 'sha256:[0-9a-f]{64}' | head -n1) || die "could not register MLflow run $MLFLOW_RUN_ID"
    candidate="$MODEL@$digest"
    output candidate "$candidate"
  fi
  [[ -n "$candidate" ]] || die "no candidate: the request stage gives mlflow_run_id or candidate"
  rm -rf candidate
  "${LYNX[@]}" pull "$candidate" candidate
}

stage_evaluate() {
  [[ -n "${CANDIDATE:-}" ]] || die "no candidate: run the download stage first"
  "${LYNX[@]}" gate evaluate --candidate "$CANDIDATE" --baseline "$BASELINE" --out candidate_eval.json | tee gate-table.txt
}

stage_promote() {
  [[ -n "${CANDIDATE:-}" && -n "${SEMVER:-}" ]] || die "no candidate or semver: run the request and download stages first"
  "${LYNX[@]}" gate promote "$CANDIDATE" --semver "$SEMVER" --reason "${REASON:-deploy-grammar-tutor}" | tee gate-table.txt
}

case "${1:-}" in
  request | dvc | download | evaluate | promote) "stage_$1" ;;
  *) echo "usage: $0 request|dvc|download|evaluate|promote" >&2; exit 2 ;;
esac
