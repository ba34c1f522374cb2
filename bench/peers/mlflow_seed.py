# Seeds MLflow's model registry for bench/peers: one registered model `bench` with N versions, each
# tagged i=<n mod 10> and lynx.digest, and the alias `staging` on the middle one. Written through
# MLflow's own SqlAlchemyStore (what `mlflow server` runs on) in this one process: over REST the
# same 10 000 versions take far longer, and the seeding is not what is compared.
#   python mlflow_seed.py <backend-store-uri> <n>   prints "seeded <i>" every 100 versions
import hashlib
import sys
import time

from mlflow.entities.model_registry import ModelVersionTag
from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore

uri, n = sys.argv[1], int(sys.argv[2])
start = time.perf_counter()
store = SqlAlchemyStore(uri)
store.create_registered_model("bench")
for i in range(n):
    digest = "sha256:" + hashlib.sha256(f"v{i}".encode()).hexdigest()
    store.create_model_version(
        "bench",
        source=f"mlflow-artifacts:/bench/{i}",
        tags=[ModelVersionTag("i", str(i % 10)), ModelVersionTag("lynx.digest", digest)],
    )
    if (i + 1) % 100 == 0:
        print(f"seeded {i + 1}", flush=True)
store.set_registered_model_alias("bench", "staging", str(n // 2 + 1))
print(f"done {time.perf_counter() - start:.3f}", flush=True)
