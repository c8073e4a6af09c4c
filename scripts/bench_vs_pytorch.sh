#!/usr/bin/env bash
# Measures llm-lab's engine against the PyTorch yardstick side by side, in one sitting.
#
#   scripts/bench_vs_pytorch.sh [ROUNDS] [THREADS]
#
# Each round runs shared/bench/ref_gpt.py and then `llm-lab bench` on the same preset, for both
# presets, and prints the engine/PyTorch ratio of the median tokens/s for training and inference.
# Machines are noisy: compare the ratios of several rounds, not the absolute figures.
# Needs PyTorch in a virtual environment (see shared/bench/README.md); override with TORCH_PY.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
threads=${2:-2}
py=${TORCH_PY:-$HOME/.venvs/torch/bin/python}
ref=${REF_GPT:-../shared/bench/ref_gpt.py}
[ -x "$py" ] || { echo "no PyTorch python at $py (set TORCH_PY)" >&2; exit 1; }
[ -f "$ref" ] || { echo "no ref_gpt.py at $ref (set REF_GPT)" >&2; exit 1; }
cargo build --release --quiet
lab=target/release/llm-lab

field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])['$1'])" "$2"; }

printf '%-6s %-5s %12s %12s %7s %12s %12s %7s\n' round preset "torch train" "lab train" ratio \
    "torch infer" "lab infer" ratio
for round in $(seq 1 "$rounds"); do
    for preset in tiny small; do
        torch=$("$py" "$ref" --config "$preset" --threads "$threads" --json | sed -n 's/^JSON //p')
        lab_json=$("$lab" bench --preset "$preset" --threads "$threads" --json)
        tt=$(field train_tok_s_median "$torch"); lt=$(field train_tok_s_median "$lab_json")
        ti=$(field infer_tok_s_median "$torch"); li=$(field infer_tok_s_median "$lab_json")
        awk -v r="$round" -v p="$preset" -v tt="$tt" -v lt="$lt" -v ti="$ti" -v li="$li" 'BEGIN {
            printf "%-6s %-5s %12.0f %12.0f %6.2fx %12.0f %12.0f %6.2fx\n", r, p, tt, lt, lt/tt, ti, li, li/ti }'
    done
done
