#!/usr/bin/env bash
# The one command to run on a lent GPU machine (issue 12): our GPU bench (bench/gpu.ts, bundled
# with Node and Dawn) and then the PyTorch fp32 reference (bench/torch/gpt.py) on the same GPU.
# Results land in $OUT: gpu-ours.json, gpu-torch.json, ours.log, torch.log, nvidia-smi.txt.
#
# Preparation, here, once, from the project root (after npm ci); see ../shared/GPU-DEVICE.md:
#   ../shared/tools/gpu-bundle.sh .dev bench/gpu.ts          # .dev/app/gpu.mjs + Node + Dawn, ~35 MB
#   L=$(mktemp -d); mkdir -p .gl $L/partial; o="-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=$L"
#   apt-get $o update; (cd .gl && apt-get $o download libvulkan1)
# (.dev/ and .gl/ are in .gitignore, so they travel only when carried.)
# Device run:   command: bash scripts/gpu-run.sh      carry: [".dev", ".gl"]      timeout_s: 420
# Check here first, end to end on a software adapter with tiny shapes:
#   bash scripts/gpu-run.sh --quick          (OUT defaults to ./gpu-out)
#
# Time guard: the whole run stays under ~6 minutes. Ours gets --budget-s 190 (it skips what would
# run past it, and exits hard 20 s later) inside `timeout 230`; PyTorch gets --budget-s 70 inside
# `timeout 110`. Each part writes its JSON after every measurement, so a cut run still reports.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
QUICK=""; [ "${1:-}" = "--quick" ] && QUICK="--quick"
OUT=${OUT:-$PWD/gpu-out}; mkdir -p "$OUT"
[ -f .dev/run-prelude.sh ] || { echo "No .dev/ bundle: run ../shared/tools/gpu-bundle.sh .dev bench/gpu.ts first (see the top of $0)." >&2; exit 2; }
t0=$(date +%s)
# shellcheck disable=SC1091
source .dev/run-prelude.sh
if [ -n "$QUICK" ]; then
  unset VK_DRIVER_FILES   # the prelude points Vulkan at NVIDIA's driver; --quick runs on SwiftShader
  ADAPTER=swiftshader; OURS_BUDGET=1500; OURS_TIMEOUT=1600; TORCH_BUDGET=60; TORCH_TIMEOUT=120
else
  ADAPTER=default; OURS_BUDGET=190; OURS_TIMEOUT=230; TORCH_BUDGET=70; TORCH_TIMEOUT=110
fi
{ nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv; nvidia-smi; } > "$OUT/nvidia-smi.txt" 2>&1 || echo "no nvidia-smi" > "$OUT/nvidia-smi.txt"
echo "== ours (bench/gpu.ts) on adapter '$ADAPTER' =="
(cd .dev/app && timeout "$OURS_TIMEOUT" node gpu.mjs --adapter "$ADAPTER" --budget-s "$OURS_BUDGET" --out "$OUT/gpu-ours.json" $QUICK) 2>&1 | tee "$OUT/ours.log"
echo "ours: exit ${PIPESTATUS[0]} after $(( $(date +%s) - t0 )) s"
echo "== PyTorch fp32 (bench/torch/gpt.py) =="
if python3 -c 'import torch' 2>/dev/null; then
  timeout "$TORCH_TIMEOUT" python3 bench/torch/gpt.py --out "$OUT/gpu-torch.json" --budget-s "$TORCH_BUDGET" $QUICK 2>&1 | tee "$OUT/torch.log"
  echo "torch: exit ${PIPESTATUS[0]}"
else
  echo "no PyTorch on this machine: reference skipped" | tee "$OUT/torch.log"
fi
# The prelude unpacked Dawn next to the bundle; leave .dev as packed, so carrying it stays small.
[ -n "$QUICK" ] && rm -f .dev/app/node_modules/webgpu/dist/linux-x64/dawn.node
echo "all done after $(( $(date +%s) - t0 )) s; results in $OUT"
ls -la "$OUT"
