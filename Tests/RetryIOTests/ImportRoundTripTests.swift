import RetryCore
import Testing

@testable import RetryIO
@testable import RetryLogs

/// A simulated scenario rendered as the CloudWatch logs its function would have written, and
/// imported back, gives the same executions and the same effects: the importer reads what the
/// documented formats say, and the simulator and the importer mean the same thing by a retry and
/// by a duplicate.
@Suite struct ImportRoundTripTests {
  /// The importer's bounds are the trace reader's: every trace an import builds reads back.
  @Test func theImportersBoundsAreTheTraceReaders() {
    #expect(ImportBounds.times == TraceJSON.timeRange)
    #expect(ImportBounds.origins == TraceJSON.originRange)
  }

  /// What an execution is, whoever tells it: absolute times, so that both origins compare.
  struct Execution: Hashable, CustomStringConvertible {
    var invocation: String
    var number: Int
    var requestId: String
    var start: Milliseconds
    var end: Milliseconds
    var outcome: AttemptOutcome
    var description: String { "\(invocation)#\(number) \(requestId.prefix(8)) \(start)-\(end) \(outcome)" }
  }

  struct Effect: Hashable, CustomStringConvertible {
    var actor: String
    var time: Milliseconds
    var kind: EffectKind
    var target: String
    var key: String
    var step: String?
    var duplicateOf: Int?
    var description: String { "\(actor) \(time) \(kind) \(target)[\(key)] step \(step ?? "-") dup \(duplicateOf.map(String.init) ?? "-")" }
  }

  /// The simulated run as logs can show it: executions that ran (not throttled), numbered again
  /// in that order; effects of executions, not external writes or log lines.
  static func expected(_ trace: Trace) -> ([Execution], [Effect]) {
    var executions: [Execution] = []
    var renumber: [String: Int] = [:]
    var counts: [String: Int] = [:]
    for attempt in trace.attempts where attempt.outcome != .throttled && attempt.outcome != .running {
      counts[attempt.invocation, default: 0] += 1
      renumber["\(attempt.invocation)#\(attempt.number)"] = counts[attempt.invocation]
      executions.append(
        Execution(
          invocation: attempt.invocation, number: counts[attempt.invocation]!, requestId: attempt.requestId,
          start: trace.meta.origin + attempt.start, end: trace.meta.origin + attempt.end, outcome: attempt.outcome))
    }
    var effects: [Effect] = []
    var position: [Int: Int] = [:]
    for (index, effect) in trace.effects.enumerated() where effect.invocation != nil && effect.kind != .log {
      position[index] = effects.count
      let number = renumber["\(effect.invocation!)#\(effect.attempt!)"]!
      effects.append(
        Effect(
          actor: "\(effect.invocation!)#\(number)", time: trace.meta.origin + effect.time, kind: effect.kind,
          target: effect.target, key: effect.key, step: effect.step, duplicateOf: effect.duplicateOf.flatMap { position[$0] }))
    }
    return (executions, effects)
  }

  /// The imported trace in the same terms, its lanes named back by the simulated invocation each
  /// was correlated by (`--correlate invocation`: the writer tags the event line with it).
  static func imported(_ trace: Trace) -> ([Execution], [Effect]) {
    var name: [String: String] = [:]
    for invocation in trace.invocations {
      name[invocation.id] = invocation.label.map { String($0.dropFirst("invocation=".count)) } ?? invocation.id
    }
    let executions = trace.attempts.map { attempt in
      Execution(
        invocation: name[attempt.invocation]!, number: attempt.number, requestId: attempt.requestId,
        start: trace.meta.origin + attempt.start, end: trace.meta.origin + attempt.end, outcome: attempt.outcome)
    }
    let effects = trace.effects.map { effect in
      Effect(
        actor: "\(name[effect.invocation!]!)#\(effect.attempt!)", time: trace.meta.origin + effect.time, kind: effect.kind,
        target: effect.target, key: effect.key, step: effect.step, duplicateOf: effect.duplicateOf)
    }
    return (executions, effects)
  }

  static func roundTrip(_ trace: Trace, _ options: CloudWatchLogWriter.Options) throws -> Trace {
    let text = CloudWatchLogWriter(trace: trace, options: options).text()
    let importer = LogImporter(options: .init(correlate: "invocation"))
    try importer.read(MemoryByteSource(text, chunkLimit: 4_093), name: "round-trip")
    return try importer.finish().0
  }

  /// Scenarios whose invocations a caller makes: their duplicates are per logical event, as the
  /// importer's are. (Event source scenarios mark duplicates per record: compared below without.)
  static let invocationScenarios = BuiltinScenarios.talkTour.filter { name in
    (try? BuiltinScenarios.load(named: name))?.eventSource == nil
  }

  @Test(arguments: invocationScenarios, CloudWatchLogWriter.Format.allCases)
  func executionsAndEffectsSurviveTheLogs(_ name: String, _ format: CloudWatchLogWriter.Format) throws {
    let simulated = Simulator(scenario: try BuiltinScenarios.load(named: name), seed: nil).run()
    let (executions, effects) = Self.expected(simulated)
    let imported = try Self.roundTrip(simulated, .init(format: format))
    let (gotExecutions, gotEffects) = Self.imported(imported)
    #expect(gotExecutions.sorted { ($0.start, $0.invocation, $0.number) < ($1.start, $1.invocation, $1.number) }
      == executions.sorted { ($0.start, $0.invocation, $0.number) < ($1.start, $1.invocation, $1.number) })
    #expect(Set(gotEffects) == Set(effects))
    #expect(gotEffects.count == effects.count)
    // Errors keep their type; Lambda's retries their request id.
    for attempt in simulated.attempts where attempt.outcome == .error || attempt.outcome == .crash {
      let match = imported.attempts.first { $0.requestId == attempt.requestId && $0.start + imported.meta.origin == attempt.start + simulated.meta.origin }
      #expect(match?.errorType == attempt.errorType, "\(attempt.label)")
    }
    for attempt in simulated.attempts where attempt.caller == .lambdaAsync && attempt.number > 1 {
      let match = imported.attempts.first { $0.requestId == attempt.requestId && $0.start + imported.meta.origin == attempt.start + simulated.meta.origin }
      #expect(match?.caller == .lambdaAsync, "\(attempt.label)")
    }
  }

  @Test(arguments: CloudWatchLogWriter.TimeoutStyle.allCases, CloudWatchLogWriter.Runtime.allCases)
  func timeoutStylesAndRuntimesReadTheSame(_ style: CloudWatchLogWriter.TimeoutStyle, _ runtime: CloudWatchLogWriter.Runtime) throws {
    for name in ["sync-timeout-retry", "async-retries-dlq", "async-interleave"] {
      let simulated = Simulator(scenario: try BuiltinScenarios.load(named: name), seed: nil).run()
      let imported = try Self.roundTrip(simulated, .init(format: .raw, timeoutStyle: style, runtime: runtime))
      #expect(Self.imported(imported).0.count == Self.expected(simulated).0.count, "\(name)")
      #expect(Set(Self.imported(imported).0) == Set(Self.expected(simulated).0), "\(name)")
      #expect(Set(Self.imported(imported).1) == Set(Self.expected(simulated).1), "\(name)")
    }
  }

  @Test(arguments: BuiltinScenarios.talkTour.filter { !invocationScenarios.contains($0) })
  func eventSourceBatchesSurviveTheLogs(_ name: String) throws {
    let simulated = Simulator(scenario: try BuiltinScenarios.load(named: name), seed: nil).run()
    let imported = try Self.roundTrip(simulated, .init(format: .events))
    #expect(Set(Self.imported(imported).0) == Set(Self.expected(simulated).0))
    let strip: (Effect) -> Effect = { var effect = $0; effect.duplicateOf = nil; return effect }
    #expect(Set(Self.imported(imported).1.map(strip)) == Set(Self.expected(simulated).1.map(strip)))
  }
}
