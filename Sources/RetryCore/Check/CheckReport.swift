/// What `IdempotenceChecker` found: how much it explored, the verdict, and the smallest
/// counterexample of each property that fails.
public struct CheckReport: Sendable {
  /// A failing run and the exactly-once run it is compared with.
  public struct Counterexample: Sendable {
    public var schedule: CheckSchedule
    public var trace: Trace
    public var reference: Trace

    /// The first step where the run leaves the reference: the index in `trace.events` of the
    /// first event that differs in kind, invocation, attempt or effect.
    public var divergence: Int {
      let a = trace.events
      let b = reference.events
      for index in 0..<min(a.count, b.count) {
        let x = a[index]
        let y = b[index]
        if x.kind != y.kind || x.invocation != y.invocation || x.attempt != y.attempt { return index }
        // The same execution ending otherwise (a crash where the reference returned).
        if x.kind == .attemptEnd, let id = x.invocation, let number = x.attempt {
          let mine = trace.attempts.first { $0.invocation == id && $0.number == number }?.outcome
          let theirs = reference.attempts.first { $0.invocation == id && $0.number == number }?.outcome
          if mine != theirs { return index }
        }
        if let e = x.effect, let f = y.effect {
          let p = trace.effects[e]
          let q = reference.effects[f]
          if p.kind != q.kind || p.target != q.target || p.key != q.key { return index }
        }
      }
      return min(a.count, b.count) < a.count ? min(a.count, b.count) : max(0, a.count - 1)
    }

    /// Fewest faults, then fewest steps, then the schedule's text: a stable order.
    func isSmaller(than other: Counterexample) -> Bool {
      (schedule.size, trace.events.count, schedule.description)
        < (other.schedule.size, other.trace.events.count, other.schedule.description)
    }
  }

  public var scenario: String
  public var options: IdempotenceChecker.Options
  public var schedulesRun = 0
  /// Runs that repeated one already seen (a fault that never fired, faults that end alike).
  public var repeats = 0
  /// Schedules not run because they combine changes on lanes that share nothing
  /// (`CheckFootprint`): each change was judged alone.
  public var independentSkips = 0
  public var distinctStates = 0
  /// Exactly-once runs: the scenario's own order and each other order it allows.
  public var references = 0
  public var failingRuns = 0
  public var lostEventRuns = 0
  /// Runs compared with an exactly-once reference (those that lost an event are set apart, and
  /// the references themselves are not counted). None: nothing was judged, and no verdict holds.
  public var judgedRuns = 0
  /// The events the exactly-once reference itself lost (it never succeeded on them): a run is
  /// not set apart for losing one of these.
  public var referenceLostEvents: [String] = []
  /// The reference, when it lost every event: there is then no result to compare any run with,
  /// and no search is run.
  public var lostReference: Trace?
  /// The exhaustive search reached `maxSchedules` before the end of its bounds.
  public var stoppedAtBound = false
  /// Random schedules drawn (`--samples`), or nil for the exhaustive search.
  public var sampled: Int?
  public var counterexamples: [CheckProperty: Counterexample] = [:]
  public var lostEvents: Counterexample?
  /// What the exactly-once reference changes in the scenario's configuration, in words (empty:
  /// nothing; `IdempotenceChecker.exactlyOnce`).
  public var exactlyOnceChanges: [String] = []
  /// The events the scenario's own fault-free run delivers again with nothing to retry
  /// (`IdempotenceChecker.deliveredAgain`): its configuration makes duplicates by itself.
  public var deliveredAgain: [String] = []
  /// The handler is a real program: faults struck its calls, not steps
  /// (`CheckSchedule.Place`), and each schedule started with no process.
  public var faultsAtCalls = false

  init(scenario: String, options: IdempotenceChecker.Options) {
    self.scenario = scenario
    self.options = options
  }

  /// The properties that fail, in a fixed order.
  public var failures: [CheckProperty] { counterexamples.keys.sorted() }

  /// Whether every schedule within the bounds was run: not when the search stopped at
  /// `maxSchedules`, nor for random samples, nor when there was no search (the reference lost
  /// an event).
  public var isExhaustive: Bool { sampled == nil && !stoppedAtBound && lostReference == nil }

  /// What the check concludes, as `--format json`'s `result` says it.
  public enum Result: String, Sendable {
    /// No counterexample in an exhaustive search that judged at least one run (exit 0).
    case idempotent
    /// A counterexample, however it was found (exit 1).
    case notIdempotent = "not-idempotent"
    /// No counterexample, but the search left schedules out (exit 3).
    case noCounterexample = "no-counterexample"
    /// No run was compared with an exactly-once result: the reference lost an event, or every
    /// other run did, or the bounds allow no run but the reference (exit 4).
    case nothingToJudge = "nothing-to-judge"
  }

  public var result: Result {
    if !counterexamples.isEmpty { return .notIdempotent }
    if judgedRuns == 0 { return .nothingToJudge }
    return isExhaustive ? .idempotent : .noCounterexample
  }

  /// No counterexample in an exhaustive search that judged runs: only then is a handler called
  /// idempotent. A search that left schedules out proves nothing by finding nothing, and one
  /// that set every run apart (each lost an event) judged nothing.
  public var isIdempotent: Bool { result == .idempotent }

  /// No counterexample, but not every schedule was run or nothing was judged: neither verdict
  /// holds.
  public var isInconclusive: Bool { result == .noCounterexample || result == .nothingToJudge }

  /// `idempotent`, `not idempotent: duplicate effects, divergent state`, when the search was
  /// not exhaustive and found nothing `no counterexample in 3000 schedules (not exhaustive)`,
  /// and when no run was judged `nothing to judge: ...` with the reason. A counterexample is one
  /// whatever the search's extent.
  public var verdict: String {
    switch result {
    case .notIdempotent: return "not idempotent: " + failures.map(\.title).joined(separator: ", ")
    case .idempotent: return "idempotent"
    case .noCounterexample:
      if let sampled { return "no counterexample in \(sampled) random schedules (not exhaustive)" }
      return "no counterexample in \(schedulesRun) schedules (not exhaustive)"
    case .nothingToJudge:
      if lostReference != nil {
        let events = referenceLostEvents.joined(separator: ", ")
        return "nothing to judge: the exactly-once run itself loses \(referenceLostEvents.count == 1 ? "its event" : "every event") (\(events)), so no run has a result to compare with"
      }
      let extent = isExhaustive ? "" : sampled.map { " in \($0) random schedules (not exhaustive)" } ?? " in \(schedulesRun) schedules (not exhaustive)"
      if lostEventRuns > 0 { return "nothing to judge: every run but the exactly-once one lost an event\(extent)" }
      return "nothing to judge: no run within the bounds but the exactly-once one\(extent)"
    }
  }

  /// `retryscope check`'s exit code: 0 idempotent, 1 not idempotent, 3 no counterexample in a
  /// search that was not exhaustive, 4 nothing to judge (2 is bad input).
  public var exitCode: Int32 {
    switch result {
    case .idempotent: 0
    case .notIdempotent: 1
    case .noCounterexample: 3
    case .nothingToJudge: 4
    }
  }

  /// What was searched, in words: exhaustive within the bounds, stopped at the bound, sampled,
  /// or nothing (the reference lost an event).
  public var mode: String {
    let bounds = "up to \(options.maxFaults) fault\(options.maxFaults == 1 ? "" : "s") and \(options.maxDuplicates) duplicate deliver\(options.maxDuplicates == 1 ? "y or client retry" : "ies or client retries")"
    if lostReference != nil { return "no search: it needs an exactly-once run in which an event succeeds" }
    if let sampled { return "sampled \(sampled) random schedules (seed \(options.sampleSeed)), \(bounds)" }
    // Random samples are not exhaustive either: only more schedules, or smaller bounds, make
    // the search cover its bounds.
    if stoppedAtBound {
      return "bounded: stopped after \(options.maxSchedules) schedules, \(bounds) (not exhaustive: raise --max-schedules, or lower --max-faults or --max-duplicates)"
    }
    return "exhaustive, \(bounds)"
  }

  /// `mode` as one word, for `--format json`.
  public var modeName: String {
    if lostReference != nil { return "none" }
    return sampled == nil ? (stoppedAtBound ? "bounded" : "exhaustive") : "sampled"
  }

  mutating func keepSmallest(_ candidate: Counterexample, for property: CheckProperty) {
    if let current = counterexamples[property], !candidate.isSmaller(than: current) { return }
    counterexamples[property] = candidate
  }

  mutating func keepSmallestLostEvent(_ candidate: Counterexample) {
    if let current = lostEvents, !candidate.isSmaller(than: current) { return }
    lostEvents = candidate
  }
}
