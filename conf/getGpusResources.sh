#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript, spark.worker.resource.gpu.discoveryScript).
# Prints the GPUs this executor may use as Spark's ResourceInformation JSON:
#   {"name": "gpu", "addresses": ["0", "1"]}
# Addresses are the CUDA ordinals the executor JVM will see, which Scriptorium turns into DJL devices (gpu:N):
#  - CUDA_VISIBLE_DEVICES set (YARN, some schedulers): the visible devices are renumbered 0..n-1 by CUDA, so those
#    ordinals are printed;
#  - otherwise: every GPU nvidia-smi lists (a Kubernetes pod sees only the GPUs it was given).
# NVIDIA_SMI overrides the nvidia-smi command (tests, unusual install paths). Exits non-zero when no GPU can be
# found, so an executor that asked for GPUs fails at start-up with this message instead of running on CPU unnoticed.
set -euo pipefail

emit() {
  local out='{"name": "gpu", "addresses": [' sep=''
  for address in "$@"; do
    out+="${sep}\"${address}\""
    sep=', '
  done
  printf '%s]}\n' "$out"
}

if [ -n "${CUDA_VISIBLE_DEVICES:-}" ] && [ "${CUDA_VISIBLE_DEVICES}" != "NoDevFiles" ]; then
  IFS=',' read -r -a visible <<< "${CUDA_VISIBLE_DEVICES}"
  ordinals=()
  for i in "${!visible[@]}"; do
    [ -n "${visible[$i]// /}" ] && ordinals+=("${#ordinals[@]}")
  done
  if [ "${#ordinals[@]}" -gt 0 ]; then
    emit "${ordinals[@]}"
    exit 0
  fi
fi

smi="${NVIDIA_SMI:-nvidia-smi}"
if ! command -v "$smi" >/dev/null 2>&1; then
  echo "getGpusResources.sh: $smi not found; install the NVIDIA driver utilities on GPU nodes" >&2
  exit 1
fi
mapfile -t indexes < <("$smi" --query-gpu=index --format=csv,noheader | tr -d ' \r' | grep -E '^[0-9]+$' || true)
if [ "${#indexes[@]}" -eq 0 ]; then
  echo "getGpusResources.sh: $smi lists no GPU on $(hostname)" >&2
  exit 1
fi
emit "${indexes[@]}"
