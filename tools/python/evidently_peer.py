# Evidently's side of bench/peers (drift) and of the drift worker's agreement spec; run with the
# venv's python.
#   report <ref.csv> <cur.csv>: Evidently's data-drift report (DataDriftPreset) on the features
#     lemma, tense, person (categorical) and tokens, latency (numeric); prints JSON with the
#     seconds spent building the datasets and running the report (reading the CSVs is not counted).
#   agree <input.json>: reads {"ref": {...}, "cur": {...}}, each {"cat": [...], "num": [...]}, and
#     prints Evidently's own stattests (psi, jensenshannon, ks) on them with the binned
#     proportions Evidently compared, so the caller can compute Lynx's on identical bins.
import json
import sys
import time

import pandas as pd
from evidently import DataDefinition, Dataset, Report
from evidently.legacy.calculations.stattests.jensenshannon import _jensenshannon
from evidently.legacy.calculations.stattests.ks_stattest import _ks_stat_test
from evidently.legacy.calculations.stattests.psi import _psi
from evidently.legacy.calculations.stattests.utils import get_binned_data
from evidently.legacy.core import ColumnType
from evidently.presets import DataDriftPreset

CATEGORICAL = ["lemma", "tense", "person"]
NUMERICAL = ["tokens", "latency"]


def report(ref_path, cur_path):
    dtypes = {c: "string" for c in CATEGORICAL}
    ref = pd.read_csv(ref_path, dtype=dtypes, keep_default_na=False)
    cur = pd.read_csv(cur_path, dtype=dtypes, keep_default_na=False)
    definition = DataDefinition(categorical_columns=CATEGORICAL, numerical_columns=NUMERICAL)
    start = time.perf_counter()
    ref_ds = Dataset.from_pandas(ref, data_definition=definition)
    cur_ds = Dataset.from_pandas(cur, data_definition=definition)
    snapshot = Report([DataDriftPreset()]).run(current_data=cur_ds, reference_data=ref_ds)
    result = snapshot.dict()
    seconds = time.perf_counter() - start
    drifted = [m for m in result["metrics"] if str(m.get("metric_name", "")).startswith("DriftedColumnsCount")]
    print(json.dumps({"seconds": seconds, "rows": len(cur), "drifted": drifted[0]["value"]["count"] if drifted else None}))


def agree(path):
    with open(path) as f:
        data = json.load(f)
    ref_cat, cur_cat = pd.Series(data["ref"]["cat"]), pd.Series(data["cur"]["cat"])
    ref_num, cur_num = pd.Series(data["ref"]["num"], dtype=float), pd.Series(data["cur"]["num"], dtype=float)
    cat = ColumnType.Categorical
    num = ColumnType.Numerical
    keys_ref, keys_cur = get_binned_data(ref_cat, cur_cat, cat, 30, False)
    num_ref, num_cur = get_binned_data(ref_num, cur_num, num, 30, False)
    out = {
        "categorical": {
            "psi": float(_psi(ref_cat, cur_cat, cat, 0.1)[0]),
            "jensenshannon": float(_jensenshannon(ref_cat, cur_cat, cat, 0.1)[0]),
            "ref_percents": [float(x) for x in keys_ref],
            "cur_percents": [float(x) for x in keys_cur],
        },
        "numerical": {
            "psi": float(_psi(ref_num, cur_num, num, 0.1)[0]),
            "jensenshannon": float(_jensenshannon(ref_num, cur_num, num, 0.1)[0]),
            "ks_p_value": float(_ks_stat_test(ref_num, cur_num, num, 0.05)[0]),
            "ref_percents": [float(x) for x in num_ref],
            "cur_percents": [float(x) for x in num_cur],
        },
    }
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "agree":
        agree(sys.argv[2])
    else:
        sys.exit(f"unknown mode {sys.argv[1]}: use report or agree")
