#!/usr/bin/env bash
# Simulator throughput against SimPy, measured in the same run on the same machine.
#
#   Benchmarks/run.sh [INVOCATIONS] [SIMPY_INVOCATIONS]
#
# Builds retryscope in release mode, runs `retryscope bench` on INVOCATIONS (default 1000000)
# Event invocations, then the SimPy model of the same workload (Benchmarks/simpy_model.py) on
# SIMPY_INVOCATIONS (default 200000) twice: minimal, and recording the same trace facts (--trace).
# Prints each figure and the ratios of invocations per second. Needs `pip install simpy==4.1.2`.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
simpy_n="${2:-200000}"
seed=1
p=0.1

python3 -c 'import simpy' 2>/dev/null || { echo "run.sh: SimPy is missing: pip install simpy==4.1.2" >&2; exit 2; }
swift build -c release --product retryscope >&2
swift_json=$(.build/release/retryscope bench --invocations "$n" --failure-probability "$p" --seed "$seed" --json)
simpy_json=$(python3 Benchmarks/simpy_model.py --invocations "$simpy_n" --failure-probability "$p" --seed "$seed")
simpy_trace_json=$(python3 Benchmarks/simpy_model.py --invocations "$simpy_n" --failure-probability "$p" --seed "$seed" --trace)

python3 - "$swift_json" "$simpy_json" "$simpy_trace_json" <<'PY'
import json, platform, sys
swift, simpy, traced = (json.loads(arg) for arg in sys.argv[1:4])
rate = swift["invocationsPerSecond"]
print(f"machine       {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
print(f"retryscope    {swift['invocations']:>9} invocations in {swift['seconds']:.3f} s = {rate:>9,.0f} inv/s, "
      f"peak {swift['peakMemoryBytes'] / 2**20:,.0f} MiB (full trace: {swift['events']:,} events, {swift['executions']:,} executions)")
for name, result in (("simpy", simpy), ("simpy --trace", traced)):
    print(f"{name:<13} {result['invocations']:>9} invocations in {result['seconds']:.3f} s = {result['invocations_per_second']:>9,.0f} inv/s")
print(f"ratio         {rate / simpy['invocations_per_second']:.2f}x the minimal SimPy model, "
      f"{rate / traced['invocations_per_second']:.2f}x the SimPy model that records the same trace")
print(f"bare heap     the simulator takes {swift['ratioToBaseline']}x as long as a bare heap event loop over the same number of events")
PY
