#!/usr/bin/env python3
"""SimPy baseline for `retryscope bench`: the same synthetic asynchronous-invocation workload.

Each of N Event (asynchronous) Lambda invocations:

- arrives at i * 10 ms (i = 0 .. N-1);
- waits in the internal queue for a uniform 250-450 ms, then runs its first attempt;
- every attempt takes 15 ms and fails with probability P;
- after a failed attempt, if fewer than 2 retries were used, waits (from the END of the failed
  attempt) a uniform 60000-70000 ms before the first retry, or 120000-135000 ms before the second;
- after the third failure the event goes to the dead-letter queue (counted).

Every attempt records an "effect" tuple in a list, so that the per-attempt work resembles the
Swift simulator's trace recorder. Times are integer milliseconds; randomness comes from one
random.Random(seed). One SimPy process per invocation, started at its arrival time by a source
process, so that all simulation work (including process creation) happens inside env.run(),
which is the only part timed.

Prints one line of JSON:
{"invocations":N,"attempts":...,"dlq":...,"seconds":...,"invocations_per_second":...}
"""

import argparse
import json
import random
import sys
import time

import simpy

ARRIVAL_INTERVAL_MS = 10
QUEUE_DELAY_MS = (250, 450)
ATTEMPT_DURATION_MS = 15
MAX_RETRIES = 2  # Lambda's default for asynchronous invocations: 3 attempts in all
RETRY_DELAY_MS = [(60_000, 70_000), (120_000, 135_000)]


class Model:
    def __init__(self, invocations: int, failure_probability: float, seed: int):
        self.env = simpy.Environment()
        self.invocations = invocations
        self.failure_probability = failure_probability
        self.rng = random.Random(seed)
        self.attempts = 0
        self.dlq = 0
        self.effects = []

    def source(self):
        """Starts invocation i at i * 10 ms."""
        env = self.env
        for i in range(self.invocations):
            env.process(self.invocation(i))
            if i + 1 < self.invocations:
                yield env.timeout(ARRIVAL_INTERVAL_MS)

    def invocation(self, i: int):
        env = self.env
        rng = self.rng
        yield env.timeout(rng.randint(*QUEUE_DELAY_MS))
        retries = 0
        while True:
            started = env.now
            yield env.timeout(ATTEMPT_DURATION_MS)
            self.attempts += 1
            failed = rng.random() < self.failure_probability
            self.effects.append((i, retries + 1, started, env.now, "error" if failed else "ok"))
            if not failed:
                return
            if retries == MAX_RETRIES:
                self.dlq += 1
                return
            yield env.timeout(rng.randint(*RETRY_DELAY_MS[retries]))
            retries += 1

    def run(self) -> float:
        """Runs the simulation to completion; returns the wall time of env.run() in seconds."""
        self.env.process(self.source())
        began = time.perf_counter()
        self.env.run()
        return time.perf_counter() - began


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invocations", type=int, default=100_000, help="number of invocations N (default 100000)")
    parser.add_argument("--failure-probability", type=float, default=0.1, help="per-attempt failure probability P (default 0.1)")
    parser.add_argument("--seed", type=int, default=1, help="seed for random.Random (default 1)")
    args = parser.parse_args(argv)
    if args.invocations < 0:
        parser.error("--invocations must be at least 0")
    if not 0.0 <= args.failure_probability <= 1.0:
        parser.error("--failure-probability must be between 0 and 1")

    model = Model(args.invocations, args.failure_probability, args.seed)
    seconds = model.run()
    result = {
        "invocations": args.invocations,
        "attempts": model.attempts,
        "dlq": model.dlq,
        "seconds": round(seconds, 6),
        "invocations_per_second": round(args.invocations / seconds, 1) if seconds > 0 else None,
    }
    print(json.dumps(result, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
