# Lynx's everyday jobs, for `just` users (npm's rust-just ships the binary: `npx just --list`).
# Every recipe calls the `lynx` CLI, so each does exactly what the CLI command does; the registry
# is LYNX_REGISTRY_URL (default http://127.0.0.1:7101) and the token LYNX_TOKEN.
set positional-arguments
set shell := ["bash", "-euo", "pipefail", "-c"]

lynx := "node tools/bin/lynx.js"
model := env_var_or_default("LYNX_MODEL", "grammar-tutor")

# list the recipes
default:
    @just --list

# put production back on <sha> (a digest or unique prefix); with no sha, on the previous production
rollback sha="" reason="rollback with just":
    {{lynx}} rollback "{{model}}" ${1:+"$1"} --reason "$2"

# register an MLflow run's model in Lynx (a trainer's shortcut, NOT the CI path: nothing is gated)
register-model run_id artifact_path="model":
    @echo "WARNING: register-model is a trainer's shortcut, not the CI path; only 'lynx gate promote' (the deploy workflow) may make it production." >&2
    {{lynx}} push --mlflow-run "$1" --artifact-path "$2" --model "{{model}}"

# evaluate <ref> against eval_baseline.json and promote it as <semver> only on a pass
promote ref semver:
    {{lynx}} gate promote "{{model}}@$1" --semver "$2"

# the whole loop on embedded defaults
demo:
    npm run demo

# the README's test command
test:
    npm test

# the model's drift reports, newest first
drift:
    {{lynx}} drift reports "{{model}}"

# cost per 1k tokens and per quality unit of every version
costs:
    {{lynx}} costs "{{model}}"
