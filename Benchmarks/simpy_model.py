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

With --trace the model also records what the Swift simulator's trace holds, so that the two do
the same work: a request id per event (a version-4 UUID from the seeded generator), the world
table the handler writes (an item keyed by the invocation, with a version), an effect per write
with the item before and after, the step-by-step events (invoke, accepted, attempt start and end,
effect, retry scheduled, outcome), the waits and one outcome per invocation.

Prints one line of JSON:
{"invocations":N,"attempts":...,"dlq":...,"seconds":...,"invocations_per_second":...,"trace":bool}
"""

import argparse
import json
import random
import sys
import time
import uuid

import simpy

ARRIVAL_INTERVAL_MS = 10
QUEUE_DELAY_MS = (250, 450)
ATTEMPT_DURATION_MS = 15
MAX_RETRIES = 2  # Lambda's default for asynchronous invocations: 3 attempts in all
RETRY_DELAY_MS = [(60_000, 70_000), (120_000, 135_000)]


class Model:
    def __init__(self, invocations: int, failure_probability: float, seed: int, trace: bool = False):
        self.env = simpy.Environment()
        self.invocations = invocations
        self.failure_probability = failure_probability
        self.rng = random.Random(seed)
        self.trace = trace
        self.attempts = 0
        self.dlq = 0
        self.effects = []
        # Only with --trace:
        self.events = []
        self.attempt_records = []
        self.waits = []
        self.outcomes = []
        self.table = {}

    def source(self):
        """Starts invocation i at i * 10 ms."""
        env = self.env
        for i in range(self.invocations):
            env.process(self.invocation(i))
            if i + 1 < self.invocations:
                yield env.timeout(ARRIVAL_INTERVAL_MS)

    def invocation(self, i: int):
        if self.trace:
            yield from self.traced_invocation(i)
            return
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

    def traced_invocation(self, i: int):
        """The same flow, recording what the Swift simulator's trace records."""
        env = self.env
        rng = self.rng
        events = self.events
        invocation_id = f"e{i}"
        payload = {"id": i}
        request_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        events.append((env.now, "invoke", invocation_id))
        events.append((env.now, "accepted", invocation_id))
        delay = rng.randint(*QUEUE_DELAY_MS)
        self.waits.append((invocation_id, env.now, env.now + delay, "queued"))
        yield env.timeout(delay)
        retries = 0
        while True:
            started = env.now
            number = retries + 1
            record = {"invocation": invocation_id, "number": number, "requestId": request_id, "start": started,
                      "end": started, "outcome": "running"}
            self.attempt_records.append(record)
            events.append((env.now, "attempt-start", invocation_id, number))
            yield env.timeout(ATTEMPT_DURATION_MS // 2)
            key = f"id={payload['id']}"
            before = self.table.get(key)
            item = {"id": payload["id"]}
            if before is None:
                kind, version = "insert", 1
            elif before[0] == item:
                kind, version = "unchanged", before[1]
            else:
                kind, version = "update", before[1] + 1
            self.table[key] = (item, version)
            self.effects.append({"time": env.now, "invocation": invocation_id, "attempt": number,
                                 "actor": f"{invocation_id}#{number}", "target": "orders", "kind": kind, "key": key,
                                 "before": before[0] if before else None, "after": item, "version": version})
            events.append((env.now, "effect", invocation_id, number, len(self.effects) - 1))
            yield env.timeout(ATTEMPT_DURATION_MS - ATTEMPT_DURATION_MS // 2)
            self.attempts += 1
            failed = rng.random() < self.failure_probability
            record["end"] = env.now
            record["outcome"] = "error" if failed else "success"
            events.append((env.now, "attempt-end", invocation_id, number))
            if not failed:
                self.outcomes.append((invocation_id, "succeeded", env.now, {"ok": True}))
                events.append((env.now, "outcome", invocation_id, len(self.outcomes) - 1))
                return
            if retries == MAX_RETRIES:
                self.dlq += 1
                self.outcomes.append((invocation_id, "dlq", env.now, {"body": payload, "RequestID": request_id}))
                events.append((env.now, "outcome", invocation_id, len(self.outcomes) - 1))
                return
            delay = rng.randint(*RETRY_DELAY_MS[retries])
            self.waits.append((invocation_id, env.now, env.now + delay, "retry-delay"))
            events.append((env.now, "retry-scheduled", invocation_id, number + 1))
            yield env.timeout(delay)
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
    parser.add_argument("--trace", action="store_true", help="also record what the Swift simulator's trace records")
    args = parser.parse_args(argv)
    if args.invocations < 0:
        parser.error("--invocations must be at least 0")
    if not 0.0 <= args.failure_probability <= 1.0:
        parser.error("--failure-probability must be between 0 and 1")

    model = Model(args.invocations, args.failure_probability, args.seed, trace=args.trace)
    seconds = model.run()
    result = {
        "invocations": args.invocations,
        "attempts": model.attempts,
        "dlq": model.dlq,
        "seconds": round(seconds, 6),
        "invocations_per_second": round(args.invocations / seconds, 1) if seconds > 0 else None,
        "trace": args.trace,
    }
    print(json.dumps(result, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
