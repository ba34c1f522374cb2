#!/bin/sh
# The compose stack's one-shot seed: on first start, train the tutor's variants on the committed
# corpus and push them to the registry (lineage, params, metrics and variant from each run.json),
# then make base production so the router answers at once. A marker in the seed's volume makes
# every later start a no-op; remove the volume to seed again.
set -eu
marker=/data/seeded
if [ -f "$marker" ]; then
  echo "seed: already done ($marker)"
  exit 0
fi
lynx() { node --enable-source-maps dist/app/main.js "$@"; }
out=/data/bundles
base=$(lynx train --corpus data/corpus --variant base --out "$out/base" --push)
lynx train --corpus data/corpus --variant lora --base "$out/base" --out "$out/lora" --push
lynx train --corpus data/corpus --variant int8 --out "$out/int8" --push
lynx train --corpus data/corpus --variant regressed --out "$out/regressed" --push
# A -dev semver needs no gate verdict outside LYNX_ENV=prod; in prod promote through the gate.
lynx promote "grammar-tutor@$base" v0.1.0-dev --reason "compose seed" || echo "seed: base not promoted (see above); promote it with lynx gate promote"
touch "$marker"
echo "seed: done"
