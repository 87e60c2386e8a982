import Foundation
import RetryCore
import Testing

@testable import RetryExec

/// The process's wall clock is the simulation's: a retry that the simulator puts a minute after
/// the failure reads a clock a minute later, though the process runs it milliseconds later.
@Suite(.serialized) struct SimulatedClockTests {
  /// The function timeout of these runs: long, so that a loaded machine never times a handler out.
  static let timeout: Milliseconds = 30_000

  /// One Event invocation whose handler reports its clock to `clock`, then fails the first time
  /// (a marker file remembers it): Lambda retries it about a minute later.
  static func scenario(marker: String) -> Scenario {
    var scenario = Scenario(
      name: "clock-exec", seed: 3, tables: [],
      endpoints: [EndpointDefinition(name: "clock", url: "https://clock.example/seen")],
      handler: Handler(steps: []),
      invocations: [InvocationDefinition(id: "A", type: .event, payload: ["marker": .string(marker)])],
      faults: [])
    scenario.function.timeout = timeout
    return scenario
  }

  static let python = """
    import datetime, json, os, time, urllib.request
    import _datetime

    def handler(event, context):
        first = context.get_remaining_time_in_millis()
        time.sleep(0.2)
        second = context.get_remaining_time_in_millis()
        now = time.time() * 1000
        seen = {
            "time": now,
            "timeNs": time.time_ns() // 1_000_000,
            "datetimeNow": datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000,
            "utcnow": datetime.datetime.utcnow().replace(tzinfo=datetime.timezone.utc).timestamp() * 1000,
            "today": datetime.date.today().isoformat(),
            "gmtimeYear": time.gmtime().tm_year,
            "strftime": time.strftime("%Y-%m-%d", time.gmtime()),
            "remaining": second,
            "countdown": first - second,
            "deadline": now + second,
            "isinstanceReal": isinstance(_datetime.datetime(2020, 1, 1), datetime.datetime),
            "isinstanceNow": isinstance(datetime.datetime.now(), _datetime.datetime),
            "arithmetic": (datetime.datetime.now() + datetime.timedelta(days=1)).timestamp() * 1000 - now,
            "monotonic": time.monotonic(),
            "explicit": datetime.datetime.fromtimestamp(0, datetime.timezone.utc).year,
        }
        request = urllib.request.Request(os.environ["RETRYSCOPE_ENDPOINT_CLOCK"], data=json.dumps(seen).encode(), method="POST")
        urllib.request.urlopen(request).read()
        if not os.path.exists(event["marker"]):
            open(event["marker"], "w").close()
            raise RuntimeError("fail once")
        return "ok"
    """

  static let node = """
    import fs from "node:fs";

    export const handler = async (event, context) => {
      const first = context.getRemainingTimeInMillis();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const second = context.getRemainingTimeInMillis();
      const now = Date.now();
      const seen = {
        time: now,
        newDate: new Date().getTime(),
        dateString: Date.parse(Date()),
        explicit: new Date(0).getTime(),
        utc: Date.UTC(2020, 0, 1),
        remaining: second,
        countdown: first - second,
        deadline: now + second,
        instanceOf: new Date() instanceof Date && Object.prototype.toString.call(new Date()) === "[object Date]",
        performance: performance.now(),
      };
      const reply = await fetch(process.env.RETRYSCOPE_ENDPOINT_CLOCK, { method: "POST", body: JSON.stringify(seen) });
      await reply.text();
      if (!fs.existsSync(event.marker)) {
        fs.writeFileSync(event.marker, "");
        throw new Error("fail once");
      }
      return "ok";
    };
    """

  /// Runs the scenario with `spec`, returns the trace and what each execution's clock read.
  static func run(_ spec: HandlerSpec, marker: String) async -> (Trace, [[String: Value]]) {
    let scenario = Self.scenario(marker: marker)
    let program = ProcessHandler(spec: spec, endpoints: ["clock"])
    let trace = await program.run { Simulator(scenario: scenario).run(external: program) }
    let seen = trace.effects.compactMap { effect -> [String: Value]? in
      guard case .map(let fields)? = effect.after else { return nil }
      return Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0.value) })
    }
    return (trace, seen)
  }

  static func number(_ value: Value?) -> Double? {
    switch value {
    case .int(let n)?: Double(n)
    case .double(let n)?: n
    default: nil
    }
  }

  /// The checks both runtimes share: each reading is the execution's simulated delivery plus the
  /// real time the handler took (a loaded CI machine may take seconds, hence the 10 s bound),
  /// the two are a simulated minute apart, and the deadline is the delivery + the timeout.
  static func expectSimulated(_ trace: Trace, _ seen: [[String: Value]], clockKeys: [String]) throws {
    let executions = trace.attempts.filter { $0.outcome != .throttled }
    #expect(executions.map(\.outcome) == [.error, .success])
    try #require(seen.count == 2)
    let origin = trace.meta.origin
    for (execution, reading) in zip(executions, seen) {
      let delivered = Double(origin + execution.start + 2)  // + the invoke overhead
      for key in clockKeys {
        let value = try #require(number(reading[key]), "\(key)")
        #expect(value >= delivered - 1 && value <= delivered + 10_000, "\(key): \(value - delivered) ms from delivery")
      }
      // The deadline: simulated delivery + the function timeout (now + remaining, read together).
      let deadline = try #require(number(reading["deadline"]))
      #expect(abs(deadline - (delivered + Double(timeout))) <= 1_000, "deadline off by \(deadline - delivered - Double(timeout))")
      // The remaining time counts down in real time: 200 ms of sleep are 200 ms less.
      let countdown = try #require(number(reading["countdown"]))
      #expect(countdown >= 199 && countdown < 10_000)
      let remaining = try #require(number(reading["remaining"]))
      #expect(remaining <= Double(timeout) - 199 && remaining > 0)
    }
    let first = try #require(number(seen[0]["time"]))
    let second = try #require(number(seen[1]["time"]))
    let simulatedGap = Double(executions[1].start - executions[0].start)
    #expect(simulatedGap >= 60_000)
    // The retry reads a clock about a minute later, not a few milliseconds later.
    #expect(abs((second - first) - simulatedGap) <= 10_000, "clocks \(second - first) ms apart, simulated \(simulatedGap)")
  }

  @Test func aPythonHandlersClockIsTheSimulationsAcrossAnAsyncRetry() async throws {
    try await PythonRuntimeTests.withCode(Self.python) { code in
      let (trace, seen) = await Self.run(
        HandlerSpec(runtime: .python, handler: "app.handler", codePath: code), marker: code + "/failed-once")
      try Self.expectSimulated(trace, seen, clockKeys: ["time", "timeNs", "datetimeNow", "utcnow"])
      let delivered = Scenario.defaultOrigin + trace.attempts[0].start
      // 2019-09-20, the default origin's day, not today's date on this machine.
      #expect(seen[0]["today"] == .string(ISO8601.millis(delivered).prefix(10).description))
      #expect(seen[0]["strftime"] == .string(ISO8601.millis(delivered).prefix(10).description))
      #expect(seen[0]["gmtimeYear"] == .int(2019))
      #expect(seen[0]["isinstanceReal"] == .bool(true))
      #expect(seen[0]["isinstanceNow"] == .bool(true))
      let arithmetic = try #require(Self.number(seen[0]["arithmetic"]))
      #expect(arithmetic >= 86_400_000 && arithmetic < 86_410_000)
      // A time given explicitly is not shifted; the monotonic clock stays real: the retry read it
      // seconds at most after the first execution, not a minute.
      #expect(seen[0]["explicit"] == .int(1970))
      let monotonic = try #require(Self.number(seen[1]["monotonic"])) - Self.number(seen[0]["monotonic"])!
      #expect(monotonic < 30)
    }
  }

  @Test func aNodeHandlersClockIsTheSimulationsAcrossAnAsyncRetry() async throws {
    try await NodeRuntimeTests.withFiles(["index.mjs": Self.node]) { code in
      let (trace, seen) = await Self.run(
        HandlerSpec(runtime: .nodejs, handler: "index.handler", codePath: code), marker: code + "/failed-once")
      try Self.expectSimulated(trace, seen, clockKeys: ["time", "newDate"])
      // Date() without new is the shifted time as a string (to the second).
      let string = try #require(Self.number(seen[0]["dateString"]))
      let time = try #require(Self.number(seen[0]["time"]))
      #expect(abs(string - time) <= 2_000)
      #expect(seen[0]["explicit"] == .int(0))
      #expect(seen[0]["utc"] == .int(1_577_836_800_000))
      #expect(seen[0]["instanceOf"] == .bool(true))
      // performance.now() stays real: the process ran both executions within seconds.
      let elapsed = try #require(Self.number(seen[1]["performance"])) - Self.number(seen[0]["performance"])!
      #expect(elapsed < 30_000)
    }
  }

  /// The header itself: `Lambda-Runtime-Deadline-Ms` is the simulated delivery + the timeout.
  @Test func theDeadlineHeaderIsTheSimulatedDeliveryPlusTheTimeout() async throws {
    let (api, server) = try await RuntimeAPITests.serve()
    defer { Task { await server.shutdown() } }
    let port = server.port
    var invocation = RuntimeAPITests.invocation("req-1", timeout: .seconds(30))
    invocation.deliveredAt = 1_568_970_060_002
    let queued = invocation
    let waiting = Task(executorPreference: .exec) { await api.invoke(queued) }
    let next = try await RuntimeAPITests.blocking { try RawHTTPClient.get("/2018-06-01/runtime/invocation/next", port: port) }
    #expect(next.header("Lambda-Runtime-Deadline-Ms") == "1568970090002")
    _ = try await RuntimeAPITests.blocking {
      try RawHTTPClient.post("/2018-06-01/runtime/invocation/req-1/response", body: "null", port: port)
    }
    _ = await waiting.value
  }

  /// The process learns the function timeout from our variable, and the init phase's clock.
  @Test func theEnvironmentCarriesTheTimeoutAndTheInitClock() {
    let spec = HandlerSpec(runtime: .python, handler: "app.handler", codePath: "/code")
    let variables = ExecutionEnvironment.environment(
      for: spec, runtimeAPI: "127.0.0.1:9001", endpoints: [], functionTimeout: .milliseconds(30_000),
      initClock: 1_568_970_000_002)
    #expect(variables["RETRYSCOPE_FUNCTION_TIMEOUT_MS"] == "30000")
    #expect(variables["RETRYSCOPE_INIT_CLOCK_MS"] == "1568970000002")
  }
}
