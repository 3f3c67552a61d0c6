#!/usr/bin/env bash
# Scriptorium device check: the exported HunyuanOCR runtime measured on one NVIDIA GPU (H100/H200 class), at most
# about 8 minutes, no network. Run from the project root:
#
#   bash bench/gpu/device-check.sh            # GPU: real shapes, random weights, bfloat16
#   bash bench/gpu/device-check.sh --smoke    # CPU, tiny twin, tiny sizes, under a minute (the JUnit test runs it)
#
# Legs, each with its own timeout; a failed or timed-out leg is recorded and the next one runs:
#   env          nvidia-smi, python / torch / transformers versions
#   export       model-loader/export/hunyuan_ocr.py export --random-real (bfloat16, float32 if that fails) into /tmp
#   devicecheck  hunyuan_ocr.py devicecheck on that bundle (no factory op without a device; every method on `meta`)
#   python       bench/gpu/device_check.py run: bandwidth, vision, prefill, decode, derived pages/s, correctness,
#                sdpa-vs-chunked, transformers (see its docstring)
#   java         RuntimeBenchmark (bench module) --device gpu:0 on the same bundle, only when java,
#                bench/target/classes, model-loader/target/classes, model-loader/target/cp.txt and PYTORCH_LIBRARY_PATH
#                are all there; otherwise recorded as skipped
#   parity       model-loader/export/parity_transformers.py: transformers' HunYuanVL (as the official 1.0 code and as
#                installed) vs the exporter's reference vs the bundle driven like Java, on a random-weight checkpoint
#                of the real widths (PARITY_LAYERS layers); skipped (recorded, with why) without torch >= 2 and a
#                transformers that has HunYuanVL. --smoke: its config checks only. Report: parity-transformers.json
# Results: $OUT when set, else bench/results/gpu-<date>/ (smoke: a temporary folder): device-check.json (the merged
# result: machine, figures, legs), python-leg.json, java-runtime.json, parity-transformers.json, device-check.log,
# logs/<leg>.log.
# Knobs: PYTHON (interpreter with torch), DTYPE (bfloat16; smoke float32), BUDGET_S (470; smoke 150), JAVA_TIMEOUT
# (120), BUNDLE_DIR, REUSE_BUNDLE (1: reuse a bundle this script exported earlier with the same settings), KEEP_BUNDLE,
# SMOKE_BUNDLE (tiny | random-real), SMOKE_COMPARE_CHUNKED (always | auto | never), PARITY_TIMEOUT (GPU 150, reserved
# from the python leg's time; smoke 60, from what the python leg leaves; 0 skips the leg), PARITY_LAYERS (4; 0 = the
# real 27 / 24), PARITY_TOKENS (64), PARITY_DTYPES, PARITY_PAGES, PARITY_DATA (/work/shared/data; a missing page is
# replaced by a drawn one), PARITY_SMOKE_FULL (1: --smoke runs the whole comparison, ~100 s on 2 CPU cores, instead of
# the config checks).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT" || exit 2
if [ ! -f model-loader/export/hunyuan_ocr.py ]; then
  echo "device-check.sh: model-loader/export/hunyuan_ocr.py not found under $ROOT" >&2
  exit 2
fi

SMOKE=0
for arg in "$@"; do
  case "$arg" in
    --smoke) SMOKE=1 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "device-check.sh: unknown argument $arg (use --smoke or nothing)" >&2; exit 2 ;;
  esac
done

if [ "$SMOKE" = 1 ]; then
  MODE=smoke
  BUDGET_S="${BUDGET_S:-150}"
  DTYPE="${DTYPE:-float32}"
  OUT="${OUT:-$(mktemp -d /tmp/scriptorium-device-check-smoke.XXXXXX)}"
  # Default: the tiny twin re-exported by the exporter (seconds). SMOKE_BUNDLE=random-real exports the real widths
  # with 1 vision and 2 LLM layers instead: minutes on a torch without an optimised BLAS (Debian's python3-torch).
  if [ "${SMOKE_BUNDLE:-tiny}" = random-real ]; then
    EXPORT_SHAPE=(--random-real --vision-layers 1 --llm-layers 2)
  else
    EXPORT_SHAPE=(--from-bundle model-loader/src/main/resources/io/scriptorium/model/tiny)
  fi
  DEVICE=cpu
else
  MODE=gpu
  BUDGET_S="${BUDGET_S:-470}"
  DTYPE="${DTYPE:-bfloat16}"
  OUT="${OUT:-bench/results/gpu-$(date +%Y-%m-%d)}"
  EXPORT_SHAPE=(--random-real)
  DEVICE=cuda
fi
JAVA_TIMEOUT="${JAVA_TIMEOUT:-120}"
mkdir -p "$OUT/legs" "$OUT/logs" || exit 2
OUT="$(cd "$OUT" && pwd)"
rm -f "$OUT"/legs/*.env "$OUT/device-check.json" "$OUT/python-leg.json" "$OUT/java-runtime.json" \
  "$OUT/parity-transformers.json"
exec > >(tee "$OUT/device-check.log") 2>&1
export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1

log() { echo "[device-check +${SECONDS}s] $*"; }
left() { echo $((BUDGET_S - SECONDS)); }
min() { if [ "$1" -lt "$2" ]; then echo "$1"; else echo "$2"; fi; }

# leg_set NAME key=value...: the leg's record (one key=value a line; values on one line)
leg_set() {
  local name=$1; shift
  local kv
  for kv in "$@"; do
    printf '%s\n' "$(printf '%s' "$kv" | tr '\n\r' '  ')" >> "$OUT/legs/$name.env"
  done
}

# run_leg NAME TIMEOUT_S CMD...: runs CMD with a timeout, its output to the console and logs/NAME.log
run_leg() {
  local name=$1 limit=$2; shift 2
  local t0=$SECONDS rc status
  if [ "$limit" -lt 5 ]; then
    leg_set "$name" status=skipped "why=budget spent ($(left) s left)"
    log "leg $name skipped: budget spent"
    return 125
  fi
  log "leg $name (timeout ${limit}s): $*"
  timeout -k 10 "$limit" "$@" 2>&1 | tee "$OUT/logs/$name.log"
  rc=${PIPESTATUS[0]}
  case $rc in
    0) status=ok ;;
    124|137) status=timed_out ;;
    *) status=failed ;;
  esac
  leg_set "$name" "status=$status" "rc=$rc" "seconds=$((SECONDS - t0))" "timeout_s=$limit" "command=$*"
  log "leg $name: $status (rc $rc, $((SECONDS - t0)) s)"
  return "$rc"
}

log "mode $MODE, budget ${BUDGET_S}s, results in $OUT"

# ---- env -------------------------------------------------------------------------------------------------------
PY=""
for cand in ${PYTHON:-} python3 /usr/bin/python3; do
  command -v "$cand" >/dev/null 2>&1 || continue
  if timeout 120 "$cand" -c 'import torch' >/dev/null 2>&1; then PY="$cand"; break; fi
done
GPU_LINE="none"
if command -v nvidia-smi >/dev/null 2>&1; then
  echo "== nvidia-smi"
  timeout 20 nvidia-smi 2>&1 | head -30
  GPU_LINE="$(timeout 20 nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null \
    | head -1)"
else
  echo "== nvidia-smi: not found"
fi
leg_set env "gpu=${GPU_LINE:-unknown}" "python=${PY:-none with torch}" "cpus=$(nproc 2>/dev/null || echo '?')" \
  "host=$(uname -srm)"
if [ -z "$PY" ]; then
  log "no python with torch (tried ${PYTHON:-} python3 /usr/bin/python3)"
  leg_set env status=failed "why=no python interpreter imports torch"
else
  echo "== python / torch / transformers ($PY)"
  VERSIONS="$(timeout 120 "$PY" - <<'EOF' 2>&1
import sys
import torch
print("python", sys.version.split()[0])
print("torch", torch.__version__, "cuda", torch.version.cuda, "cuda_available", torch.cuda.is_available())
if torch.cuda.is_available():
    print("device", torch.cuda.get_device_name(0))
try:
    import transformers
    print("transformers", transformers.__version__)
except Exception as e:
    print("transformers not importable:", type(e).__name__, str(e).splitlines()[0] if str(e) else "")
EOF
)"
  echo "$VERSIONS"
  leg_set env status=ok "versions=$VERSIONS"
fi
if command -v java >/dev/null 2>&1; then
  echo "== java: $(java -version 2>&1 | head -1)"
fi
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ "$COMMIT" != unknown ] && [ -n "$(git status --porcelain 2>/dev/null | head -1)" ]; then COMMIT="$COMMIT+dirty"; fi

summarize() {
  local sp="${PY:-}"
  if [ -z "$sp" ]; then
    for cand in python3 /usr/bin/python3; do command -v "$cand" >/dev/null 2>&1 && { sp=$cand; break; }; done
  fi
  "$sp" bench/gpu/device_check.py summarize --out-dir "$OUT" --json "$OUT/device-check.json" --mode "$MODE" \
    --commit "$COMMIT"
}

CLEANUP=""
cleanup() { if [ -n "$CLEANUP" ] && [ -z "${KEEP_BUNDLE:-}" ]; then rm -rf "$CLEANUP"; fi; }
trap cleanup EXIT

if [ -z "$PY" ]; then
  summarize
  exit 1
fi

# ---- export ------------------------------------------------------------------------------------------------------
export_bundle() {  # DTYPE DIR
  local dtype=$1 dir=$2
  local torch_version
  torch_version="$("$PY" -c 'import torch; print(torch.__version__)' 2>/dev/null)"
  local stamp="${EXPORT_SHAPE[*]} --dtype $dtype --attention auto; $torch_version"
  if [ "${REUSE_BUNDLE:-1}" = 1 ] && [ "$MODE" = gpu ] && [ -f "$dir/model.pt" ] && [ -f "$dir/manifest.json" ] \
      && [ "$(cat "$dir/.device-check-stamp" 2>/dev/null)" = "$stamp" ]; then
    log "reusing $dir (exported earlier by this script: $stamp)"
    leg_set export status=reused "dtype=$dtype" "bundle=$dir" "seconds=0"
    return 0
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  local limit
  if [ "$MODE" = smoke ]; then limit=$(min 90 $(($(left) - 60))); else limit=$(min 300 $(($(left) - 150))); fi
  rm -f "$OUT/legs/export.env"
  if run_leg export "$limit" "$PY" model-loader/export/hunyuan_ocr.py export "${EXPORT_SHAPE[@]}" --dtype "$dtype" \
      --attention auto --out "$dir"; then
    echo "$stamp" > "$dir/.device-check-stamp"
    leg_set export "dtype=$dtype" "bundle=$dir"
    return 0
  fi
  return 1
}

if [ "$MODE" = smoke ]; then
  BASE="$(mktemp -d /tmp/scriptorium-device-check-bundle.XXXXXX)"
  CLEANUP="$BASE"
else
  BASE="${BUNDLE_DIR:-/tmp/scriptorium-device-check}"
fi
BUNDLE="$BASE/bundle-$DTYPE"
if ! export_bundle "$DTYPE" "$BUNDLE"; then
  first="$(cat "$OUT/legs/export.env")"
  if [ "$DTYPE" != float32 ]; then
    log "export in $DTYPE failed: trying float32"
    mv "$OUT/legs/export.env" "$OUT/legs/export_$DTYPE.env"
    cp "$OUT/logs/export.log" "$OUT/logs/export_$DTYPE.log" 2>/dev/null
    BUNDLE="$BASE/bundle-float32"
    DTYPE=float32
    export_bundle float32 "$BUNDLE" && leg_set export "fallback_from=$(echo "$first" | tr '\n' ' ')"
  fi
fi
if [ ! -f "$BUNDLE/model.pt" ] || [ ! -f "$BUNDLE/manifest.json" ]; then
  log "no bundle: nothing to measure"
  summarize
  exit 1
fi
"$PY" - "$BUNDLE" <<'EOF'
import json, os, sys
m = json.load(open(os.path.join(sys.argv[1], "manifest.json")))
print("bundle %s: %s, %s, runtime %s, model.pt %.0f MiB" % (sys.argv[1], m.get("model_id"), m.get("dtype"),
      m.get("runtime"), os.path.getsize(os.path.join(sys.argv[1], "model.pt")) / 2 ** 20))
EOF

# ---- devicecheck (CPU + meta) ---------------------------------------------------------------------------------------
run_leg devicecheck "$(min 120 $(($(left) - 60)))" \
  "$PY" model-loader/export/hunyuan_ocr.py devicecheck --bundle "$BUNDLE"

# ---- java conditions (decided before the python leg so that its budget leaves room) -----------------------------
JAVA_SKIP=""
if ! command -v java >/dev/null 2>&1; then
  JAVA_SKIP="no java on this machine"
elif [ ! -d bench/target/classes ]; then
  JAVA_SKIP="bench/target/classes missing (mvn -pl bench -am package -DskipTests; carry bench/target along)"
elif [ ! -d model-loader/target/classes ]; then
  JAVA_SKIP="model-loader/target/classes missing (build model-loader and carry target/ along)"
elif [ ! -f model-loader/target/cp.txt ]; then
  JAVA_SKIP="model-loader/target/cp.txt missing (mvn -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt)"
elif [ -z "${PYTORCH_LIBRARY_PATH:-}" ]; then
  JAVA_SKIP="PYTORCH_LIBRARY_PATH not set (DJL 0.36 needs a CUDA libtorch 2.7.1)"
elif [ "$MODE" = smoke ]; then
  JAVA_SKIP="--smoke: the Java leg runs only on the GPU machine (its conditions are met here)"
fi
JAVA_RESERVE=0
[ -z "$JAVA_SKIP" ] && JAVA_RESERVE=$((JAVA_TIMEOUT + 15))

# ---- parity settings (the leg runs last; on the GPU its time is reserved before the python leg) ------------------
PARITY_EXTRA=()
if [ "$MODE" = smoke ]; then
  PARITY_TIMEOUT="${PARITY_TIMEOUT:-60}"
  PARITY_LAYERS="${PARITY_LAYERS:-1}"
  PARITY_TOKENS="${PARITY_TOKENS:-8}"
  PARITY_DTYPES="${PARITY_DTYPES:-float32}"
  PARITY_PAGES="${PARITY_PAGES:-tesseract-testing/phototest.tif}"
  PARITY_RESERVE=0
  [ "${PARITY_SMOKE_FULL:-0}" = 1 ] || PARITY_EXTRA=(--config-checks-only)
else
  PARITY_TIMEOUT="${PARITY_TIMEOUT:-150}"
  PARITY_LAYERS="${PARITY_LAYERS:-4}"
  PARITY_TOKENS="${PARITY_TOKENS:-64}"
  PARITY_DTYPES="${PARITY_DTYPES:-float32,bfloat16}"
  PARITY_PAGES="${PARITY_PAGES:-tesseract-testing/phototest.tif,pubtabnet/images/PMC2838834_005_00.png}"
  PARITY_RESERVE=0
  [ "$PARITY_TIMEOUT" -gt 0 ] && PARITY_RESERVE=$((PARITY_TIMEOUT + 10))
fi
PARITY_DATA="${PARITY_DATA:-/work/shared/data}"

# ---- python leg --------------------------------------------------------------------------------------------------
PY_LIMIT=$(($(left) - JAVA_RESERVE - PARITY_RESERVE - 10))
COMPARE=auto
[ "$MODE" = smoke ] && COMPARE="${SMOKE_COMPARE_CHUNKED:-always}"
SMOKE_FLAG=()
[ "$MODE" = smoke ] && SMOKE_FLAG=(--smoke)
run_leg python "$PY_LIMIT" "$PY" bench/gpu/device_check.py run --bundle "$BUNDLE" --json "$OUT/python-leg.json" \
  --device "$DEVICE" --budget-s $((PY_LIMIT > 30 ? PY_LIMIT - 20 : PY_LIMIT)) --compare-chunked "$COMPARE" \
  "${SMOKE_FLAG[@]}"

# ---- java leg ------------------------------------------------------------------------------------------------------
if [ -n "$JAVA_SKIP" ]; then
  log "java leg skipped: $JAVA_SKIP"
  leg_set java status=skipped "why=$JAVA_SKIP"
else
  JAVA_CP="bench/target/classes:model-loader/target/classes:model-loader/target/test-classes"
  run_leg java "$(min "$JAVA_TIMEOUT" $(($(left) - 10)))" java -Dai.djl.offline=true -Dscriptorium.repo.dir="$ROOT" \
    -cp "$JAVA_CP:$(cat model-loader/target/cp.txt)" io.scriptorium.bench.runtime.RuntimeBenchmark \
    "$OUT/java-runtime.json" --device gpu:0 --real-bundle "$BUNDLE"
  leg_set java "pytorch_library_path=$PYTORCH_LIBRARY_PATH"
fi

# ---- parity leg: transformers vs reference vs bundle ---------------------------------------------------------------
# parity_transformers.py exits 0 (within tolerance), 1 (beyond), 2 (setup error), 77 (skipped: no torch >= 2 or no
# transformers with HunYuanVL). Its report's verdict and headline numbers are copied into the leg's record.
parity_record() {
  local rc=$1 lines
  if [ -f "$OUT/parity-transformers.json" ]; then
    lines="$("$PY" - "$OUT/parity-transformers.json" <<'PYEOF'
import json, os, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
print("report=" + sys.argv[1])
print("verdict=%s" % d.get("status"))
if d.get("why"):
    print("why=" + d["why"])
if d.get("error"):
    print("error=" + d["error"][:300])
print("failures=%d" % len(d.get("failures", [])))
for i, f in enumerate(d.get("failures", [])[:3]):
    print("failure_%d=%s" % (i, f[:300]))
cc = d.get("config_checks", [])
print("config_checks=%d/%d as expected" % (sum(1 for c in cc if c.get("ok")), len(cc)))
for k, v in (d.get("xdrope_layout_measured") or {}).items():
    print("xdrope_%s=%s" % (k, v.get("chunks")))
for r in d.get("runs", []):
    key = "%s_%s" % (r["dtype"], os.path.basename(r["page"]).split(".")[0])
    for c in ("transformers_official_vs_bundle", "bundle_vs_eager", "transformers_stock_vs_eager"):
        g = r["greedy"][c]
        print("%s_%s=vision rel %s, prefill logits rel %s, greedy %s" % (
            key, c, r["vision"][c]["rel"], r["prefill_logits"][c]["rel"],
            "equal (%d tokens)" % g["tokens_b"] if g["equal"] else "diverges at step %s" % g["first_divergence"]))
PYEOF
)"
    while IFS= read -r l; do [ -n "$l" ] && leg_set parity "$l"; done <<< "$lines"
  fi
  if [ "$rc" = 77 ]; then
    leg_set parity status=skipped
    grep -q '^why=' "$OUT/legs/parity.env" 2>/dev/null || leg_set parity "why=parity_transformers.py skipped (rc 77)"
  fi
}
if [ "$PARITY_TIMEOUT" -le 0 ]; then
  leg_set parity status=skipped "why=PARITY_TIMEOUT=0"
else
  run_leg parity "$(min "$PARITY_TIMEOUT" $(($(left) - 5)))" "$PY" model-loader/export/parity_transformers.py \
    --json "$OUT/parity-transformers.json" --layers "$PARITY_LAYERS" --tokens "$PARITY_TOKENS" \
    --dtypes "$PARITY_DTYPES" --data "$PARITY_DATA" --pages "$PARITY_PAGES" --allow-synthetic --device "$DEVICE" \
    "${PARITY_EXTRA[@]}"
  parity_record $?
fi

# ---- result ------------------------------------------------------------------------------------------------------
summarize
rc=$?
log "done in ${SECONDS}s (rc $rc)"
exit $rc
