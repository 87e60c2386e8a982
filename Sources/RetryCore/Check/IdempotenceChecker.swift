/// Decides whether a scenario's handler is idempotent by systematic exploration: the talk's
/// definition, "executing your Lambda function 1..N times with the same event must eventually
/// lead to the same result", checked over every schedule of faults, duplicate deliveries and
/// interleavings up to a bound, not over one lucky run.
///
/// The search is breadth-first over schedules (`CheckSchedule`), so the first failing run of a
/// property has the fewest faults. A schedule grows only from runs that happened: a fault is
/// added to an execution that ran, before a step it can reach; a child whose run repeats a run
/// already seen (a fault that never fired, two faults that end alike) is counted and not
/// expanded. Every run goes through the real simulator with the scenario's seed, so each
/// counterexample replays exactly. docs/DECISIONS.md "The idempotence checker".
public struct IdempotenceChecker: Sendable {
  public struct Options: Sendable {
    /// Faults per schedule (error, timeout or crash before a step of an execution).
    public var maxFaults: Int
    /// Spontaneous duplicate deliveries (async events, event source records) and client retries
    /// (RequestResponse) per schedule.
    public var maxDuplicates: Int
    /// Instead of the exhaustive search: this many random schedules within the bounds.
    public var samples: Int?
    /// The seed of the random schedules.
    public var sampleSeed: UInt64
    /// The exhaustive search stops after this many runs and says so.
    public var maxSchedules: Int
    /// Whether to move invocations in time so that their steps interleave in other orders.
    public var interleavings: Bool
    /// Whether to skip schedules that combine changes on lanes sharing nothing
    /// (`CheckFootprint`); off only to show that the verdicts do not depend on it.
    public var skipIndependentCombinations = true

    public init(
      maxFaults: Int = 2, maxDuplicates: Int = 1, samples: Int? = nil, sampleSeed: UInt64 = 1,
      maxSchedules: Int = 50_000, interleavings: Bool = true
    ) {
      self.maxFaults = maxFaults
      self.maxDuplicates = maxDuplicates
      self.samples = samples
      self.sampleSeed = sampleSeed
      self.maxSchedules = maxSchedules
      self.interleavings = interleavings
    }
  }

  public let scenario: Scenario
  public let options: Options
  /// The scenario without its own faults, throttles, duplicate deliveries and failing services:
  /// the checker finds the faults itself.
  public let base: Scenario
  /// `base` configured so that each event is delivered once: the exactly-once reference. The
  /// same as `base` unless its configuration alone delivers an event again (`exactlyOnceChanges`).
  public let exactlyOnce: Scenario
  /// What `exactlyOnce` changes in `base`, in words (empty: nothing).
  public let exactlyOnceChanges: [String]
  /// The real program that runs every execution (`handler: {exec: ...}`), or nil for a handler
  /// of steps. Its fault points are its calls, as many as each execution made
  /// (`CheckSchedule.Place`); every schedule runs it afresh (`ExternalHandler.startRun`).
  public let external: (any ExternalHandler & Sendable)?

  public init(scenario: Scenario, options: Options = Options(), external: (any ExternalHandler & Sendable)? = nil) {
    self.scenario = scenario
    self.options = options
    self.external = external
    base = Self.stripped(scenario)
    (exactlyOnce, exactlyOnceChanges) = Self.exactlyOnce(base)
  }

  /// The configuration that delivers each event once. Removing faults is not enough: an SQS
  /// queue whose visibility timeout is shorter than an execution shows the message again while
  /// it still runs, and a second execution receives it with no fault at all
  /// (`sqs-visibility-duplicate`). Taking that run as the reference made its duplicate the
  /// expected result, and the checker said "idempotent". The reference's queue hides a message
  /// for at least the function timeout (AWS refuses a mapping whose queue hides it for less), so
  /// an execution ends before its message can show again; the search itself keeps the scenario's
  /// configuration, and its fault-free run is judged against the reference like any other.
  ///
  /// The loader refuses such a queue now, as AWS does, but a queue that hides a message as long
  /// as the function may run still shows it again when Lambda throttles the batch: the mapping
  /// retries the invoke while the message is hidden, and a retry that gets through late runs past
  /// the visibility timeout (`sqs-visibility-duplicate`). Event source mappings do not account for
  /// reserved concurrency; the reference caps the mapping instead, with the same number as its
  /// `maximumConcurrency` (AWS's advice), so that no batch is throttled and none is received twice.
  /// Source: https://repost.aws/knowledge-center/lambda-sqs-scaling
  static func exactlyOnce(_ base: Scenario) -> (Scenario, [String]) {
    var scenario = base
    var changes: [String] = []
    if var mapping = scenario.eventSource, mapping.kind == .sqs, let reserved = base.function.reservedConcurrency, reserved > 0 {
      changes.append(
        "function \(base.function.functionName)'s reservedConcurrency \(reserved) replaced by the mapping's maximumConcurrency \(reserved): "
          + "as configured, Lambda throttles the mapping's batches, and a throttled message is received again or reaches the DLQ unprocessed")
      mapping.maximumConcurrency = min(mapping.maximumConcurrency ?? reserved, reserved)
      scenario.eventSource = mapping
      scenario.function.reservedConcurrency = nil
    }
    if var mapping = scenario.eventSource, mapping.kind == .sqs, mapping.queue.visibilityTimeout < base.function.timeout {
      changes.append(
        "queue \(mapping.queue.name)'s visibility timeout \(DurationText.short(mapping.queue.visibilityTimeout)) raised to the "
          + "function timeout \(DurationText.short(base.function.timeout)): as configured, a message shows again while an execution still runs")
      mapping.queue.visibilityTimeout = base.function.timeout
      scenario.eventSource = mapping
    }
    return (scenario, changes)
  }

  static func stripped(_ scenario: Scenario) -> Scenario {
    var base = scenario
    base.faults = []
    base.throttles = []
    base.duplicateDeliveries = []
    // The exactly-once caller waits for its answer: a client that gives up while the function
    // runs is one of the changes the search makes (`PlannedClientTimeout`), not the reference.
    base.client.readTimeout = nil
    for index in base.invocations.indices { base.invocations[index].client?.readTimeout = nil }
    for index in base.tables.indices { base.tables[index].writeFailures = ServiceFailures() }
    for index in base.endpoints.indices { base.endpoints[index].failures = ServiceFailures() }
    return base
  }

  /// One run of a schedule.
  struct Run {
    var schedule: CheckSchedule
    var trace: Trace
    var state: CheckState
    var lostEvents: [String]
    /// `unit#number` → the highest `beforeStep(k)` point the execution reached.
    var faultPoints: [String: Int]
  }

  /// What the search keeps of a run it will grow: its schedule and where it can grow, not its
  /// trace. A level of the search holds thousands of runs; their traces made a 20x20 scenario's
  /// check hold 6.5 GiB.
  struct Node {
    var schedule: CheckSchedule
    /// The executions a fault can target, with the last `beforeStep(k)` point each reached.
    var executions: [(unit: String, attempt: Int, reached: Int)] = []
    var clientTimeouts: [CheckSchedule.PlannedClientTimeout] = []
    var duplicates: [CheckSchedule.PlannedDuplicate] = []
    /// The lanes' groups in this run, when combinations on lanes apart are skipped.
    var footprint: CheckFootprint?
  }

  /// What `children(of:)` needs of `run`, worked out once; only the kinds of change the
  /// schedule still has room for.
  func node(_ run: Run, footprints: Bool) -> Node {
    let schedule = run.schedule
    var node = Node(schedule: schedule)
    if schedule.faults.count < options.maxFaults {
      node.executions = executions(run.trace).map { ($0.0, $0.1, run.faultPoints["\($0.0)#\($0.1)"] ?? 0) }
    }
    if schedule.repeatCount < options.maxDuplicates && schedule.faults.isEmpty {
      node.clientTimeouts = clientTimeoutCandidates(run.trace)
      node.duplicates = base.eventSource == nil ? duplicateCandidates(run.trace) : recordDuplicateCandidates(run.trace)
    }
    // Reserved concurrency ties every lane to the others: a retry on one can throttle another.
    if footprints && schedule.size > 0 && base.function.reservedConcurrency == nil {
      node.footprint = CheckFootprint(trace: run.trace)
    }
    return node
  }

  /// What makes two runs the same for the search: the state and how every execution ended
  /// (invocation, number, outcome, start and end), as a digest. A real program's executions
  /// take the time they measured, different in every run: their times are left out (`timed`
  /// false), or no run would ever repeat another.
  static func signature(_ run: Run, timed: Bool = true) -> CheckDigest {
    var digest = run.state.digest
    digest.add(run.trace.attempts.count)
    for attempt in run.trace.attempts {
      digest.add(attempt.invocation)
      digest.add(attempt.number)
      digest.add(attempt.outcome.rawValue)
      if timed {
        digest.add(attempt.start)
        digest.add(attempt.end)
      }
    }
    return digest
  }

  func signature(_ run: Run) -> CheckDigest { Self.signature(run, timed: external == nil) }

  func run(_ schedule: CheckSchedule, on configuration: Scenario? = nil) -> Run {
    let (trace, faultPoints) = Simulator(scenario: schedule.apply(to: configuration ?? base), seed: scenario.seed)
      .runNotingFaultPoints(external: external)
    // A batch's answer depends on which records it held: event sources are judged on the world.
    let state = CheckState(
      trace: trace, includeResults: base.eventSource == nil, eventAnswersDelivered: base.function.eventInvokeConfig.onSuccess != nil)
    return Run(
      schedule: schedule, trace: trace, state: state, lostEvents: Self.lostEvents(trace), faultPoints: faultPoints)
  }

  /// Invocations that never succeeded: their event went to a DLQ, a destination, nowhere, or
  /// the caller got an error. Such runs are reported apart from the verdict (lost events). A
  /// record that one execution processed and that then went to a DLQ all the same (a second
  /// receive took over its receipt handle) was processed: its run is judged.
  static func lostEvents(_ trace: Trace) -> [String] {
    if trace.invocations.contains(where: { $0.eventSource != nil }) {
      let processed = Set(trace.attempts.flatMap(processedRecords))
      return trace.outcomes.filter { !$0.records.isEmpty && $0.isFailure }.flatMap(\.records).filter { !processed.contains($0) }
    }
    let succeeded = Set(trace.attempts.lazy.filter { $0.outcome == .success }.map(\.invocation))
    return trace.invocations.map(\.id).filter { !succeeded.contains($0) }
  }

  /// The events of a run, as `lostEvents` names them: its invocations, or with an event source
  /// its records.
  static func events(_ trace: Trace) -> Set<String> {
    if trace.invocations.contains(where: { $0.eventSource != nil }) { return Set(trace.attempts.flatMap(\.records) + trace.outcomes.flatMap(\.records)) }
    return Set(trace.invocations.map(\.id))
  }

  /// The records a batch processed: all of them when it succeeded, but those its response
  /// reported failed (`batchItemFailures`).
  static func processedRecords(_ attempt: TraceAttempt) -> [String] {
    guard attempt.outcome == .success else { return [] }
    guard case .list(let failures)? = attempt.response?["batchItemFailures"] else { return attempt.records }
    let failed = Set(failures.compactMap { $0["itemIdentifier"]?.displayText })
    return attempt.records.filter { !failed.contains($0) }
  }

  /// The events (invocations, or records) a run delivered again with nothing to retry: an
  /// execution that starts while an earlier one of the same event still runs, or after one
  /// processed it. An exactly-once run has none; retries after a failure are not counted.
  public static func deliveredAgain(_ trace: Trace) -> [String] {
    var earlier: [String: [(end: Milliseconds, processed: Bool)]] = [:]
    var again: [String] = []
    let byRecord = trace.invocations.contains { $0.eventSource != nil }
    for attempt in trace.attempts.sorted(by: { $0.start < $1.start }) where attempt.outcome != .throttled {
      let processed = Set(processedRecords(attempt))
      let units = byRecord ? attempt.records : [attempt.invocation]
      for unit in units {
        let before = earlier[unit, default: []]
        if before.contains(where: { $0.processed || $0.end > attempt.start }) && !again.contains(unit) { again.append(unit) }
        earlier[unit, default: []].append((attempt.end, byRecord ? processed.contains(unit) : attempt.outcome == .success))
      }
    }
    return again
  }

  // MARK: - The search

  /// Runs the search. `progress`, when given, hears after every run how far it has come (the
  /// command line draws it on a terminal).
  public func check(progress: ((CheckProgress) -> Void)? = nil) -> CheckReport {
    var report = CheckReport(scenario: scenario.runName, options: options)
    report.faultsAtCalls = external != nil
    func tell(depth: Int) {
      progress?(CheckProgress(schedulesRun: report.schedulesRun, depth: depth, failingProperties: report.counterexamples.count))
    }
    let clean = run(CheckSchedule())
    // The exactly-once reference: the clean run, unless the configuration alone delivers an
    // event again; then the clean run is judged against the run configured to deliver once.
    let reference = exactlyOnceChanges.isEmpty ? clean : run(CheckSchedule(), on: exactlyOnce)
    var references: [CheckSchedule.Shift?: Run] = [nil: reference]
    // What is kept of every run: digests, not states or traces.
    var seen: Set<CheckDigest> = [signature(clean)]
    var states: Set<CheckDigest> = [clean.state.digest]
    report.schedulesRun = 1
    report.exactlyOnceChanges = exactlyOnceChanges
    report.deliveredAgain = Self.deliveredAgain(clean.trace)
    // Events the exactly-once run itself never succeeds on (a handler that always fails, a
    // predecessor that never comes) are lost in every run: a run is set apart only for losing
    // another one (`judge`). When the reference loses every event, no run has a result to
    // compare with: every one would be set apart, and "idempotent" would rest on nothing. No
    // search then.
    for event in reference.lostEvents where !report.referenceLostEvents.contains(event) { report.referenceLostEvents.append(event) }
    if !reference.lostEvents.isEmpty && Set(reference.lostEvents).isSuperset(of: Self.events(reference.trace)) {
      report.schedulesRun += exactlyOnceChanges.isEmpty ? 0 : 1
      report.lostReference = reference.trace
      report.references = 1
      report.distinctStates = Set([clean.state.digest, reference.state.digest]).count
      return report
    }
    if !exactlyOnceChanges.isEmpty {
      report.schedulesRun += 1
      judge(clean, against: reference, into: &report)
    }

    // The orders the scenario allows: each shift's clean run is a reference of its own.
    var roots: [Run] = [clean]
    // A real program's executions run one at a time and take the time they measure: no other
    // order of its calls can be made, and moments measured anew in every run would not name one.
    if options.interleavings && external == nil {
      for shift in shifts(clean.trace, footprint: CheckFootprint(trace: clean.trace)) {
        let shifted = run(CheckSchedule(shift: shift))
        report.schedulesRun += 1
        references[shift] = shifted
        states.insert(shifted.state.digest)
        if seen.insert(signature(shifted)).inserted { roots.append(shifted) } else { report.repeats += 1 }
        tell(depth: 0)
      }
    }
    report.references = roots.count

    if let samples = options.samples {
      sample(samples, roots: roots, references: references, into: &report, states: &states, progress: progress)
      report.distinctStates = states.count
      return report
    }

    let depths = options.maxFaults + options.maxDuplicates
    var frontier = roots.map { node($0, footprints: false) }
    var depth = 0
    // The run of each single change, by schedule: whether a change keeps to its own lanes.
    var singles: [CheckSchedule: CheckFootprint] = [:]
    while !frontier.isEmpty && depth < depths {
      var next: [Node] = []
      for parent in frontier {
        for schedule in children(of: parent, singles: singles, skipped: &report.independentSkips) {
          guard report.schedulesRun < options.maxSchedules else {
            report.stoppedAtBound = true
            break
          }
          let child = run(schedule)
          report.schedulesRun += 1
          // Only the single changes and the runs expanded need a footprint: most runs are neither.
          if depth == 0 && options.skipIndependentCombinations { singles[schedule] = CheckFootprint(trace: child.trace) }
          guard seen.insert(signature(child)).inserted else {
            report.repeats += 1
            tell(depth: depth + 1)
            continue
          }
          states.insert(child.state.digest)
          judge(child, against: references[schedule.shift] ?? reference, into: &report)
          // Kept only when it will be grown, and then without its trace.
          if depth + 1 < depths { next.append(node(child, footprints: options.skipIndependentCombinations)) }
          tell(depth: depth + 1)
        }
        if report.stoppedAtBound { break }
      }
      if report.stoppedAtBound { break }
      frontier = next
      depth += 1
    }
    report.distinctStates = states.count
    return report
  }

  /// Random schedules within the bounds: each a random number of random steps down the tree.
  private func sample(
    _ count: Int, roots: [Run], references: [CheckSchedule.Shift?: Run], into report: inout CheckReport,
    states: inout Set<CheckDigest>, progress: ((CheckProgress) -> Void)?
  ) {
    var random = SplitMix64(seed: options.sampleSeed, stream: "check")
    var seen: Set<CheckSchedule> = []
    for _ in 0..<count {
      var current = roots[Int(random.next() % UInt64(roots.count))]
      let steps = 1 + Int(random.next() % UInt64(max(1, options.maxFaults + options.maxDuplicates)))
      for _ in 0..<steps {
        var skipped = 0
        let options = children(of: node(current, footprints: false), singles: [:], skipped: &skipped)
        guard !options.isEmpty else { break }
        current = run(options[Int(random.next() % UInt64(options.count))])
        report.schedulesRun += 1
      }
      progress?(CheckProgress(schedulesRun: report.schedulesRun, depth: current.schedule.size, failingProperties: report.counterexamples.count))
      guard seen.insert(current.schedule).inserted else {
        report.repeats += 1
        continue
      }
      states.insert(current.state.digest)
      judge(current, against: references[current.schedule.shift] ?? references[nil] ?? roots[0], into: &report)
    }
    report.sampled = count
  }

  /// Files a run's failures, keeping the smallest counterexample of each property.
  private func judge(_ run: Run, against reference: Run, into report: inout CheckReport) {
    // Only an event the reference got through counts: one the exactly-once run loses too is
    // no difference (its effects are still compared).
    if run.lostEvents.contains(where: { !reference.lostEvents.contains($0) }) {
      report.lostEventRuns += 1
      report.keepSmallestLostEvent(.init(schedule: run.schedule, trace: run.trace, reference: reference.trace))
      return
    }
    report.judgedRuns += 1
    let properties = run.state.differences(from: reference.state)
    guard !properties.isEmpty else { return }
    report.failingRuns += 1
    for property in properties {
      report.keepSmallest(.init(schedule: run.schedule, trace: run.trace, reference: reference.trace), for: property)
    }
  }

  // MARK: - Where a schedule can grow

  /// The schedules one fault or one duplicate delivery away from `parent`, in a fixed order.
  /// A change on lanes that share nothing with the lanes of the parent's changes, in the
  /// parent's run and in the run of that change alone (`singles`), is skipped and counted
  /// (`CheckFootprint`).
  func children(of parent: Node, singles: [CheckSchedule: CheckFootprint], skipped: inout Int) -> [CheckSchedule] {
    var children: [CheckSchedule] = []
    let schedule = parent.schedule
    let units = schedule.faults.map(\.unit) + schedule.duplicates.map(\.invocation) + schedule.clientTimeouts.map(\.invocation)
    let footprint = singles.isEmpty ? nil : parent.footprint
    func apart(_ unit: String, alone: CheckSchedule) -> Bool {
      guard let footprint, let single = singles[alone] else { return false }
      return footprint.isApart(unit, from: units) && single.isApart(unit, from: units)
    }
    if schedule.faults.count < options.maxFaults {
      let taken = Set(schedule.faults.map { "\($0.unit)#\($0.attempt)" })
      let last = schedule.faults.max { $0.comesBefore($1) }
      // A program's points are the calls it made (`reached` of them), each with its own faults.
      let kinds = external == nil ? Self.beforeStep : CheckSchedule.PlannedFault.atCall
      for (unit, attempt, reached) in parent.executions where !taken.contains("\(unit)#\(attempt)") {
        // Only where the execution got to (every step it ran, and just before returning if it got
        // there): a fault before a later step never strikes, and its run would repeat the parent's.
        guard reached >= 1 else { continue }
        for step in 1...reached {
          for (kind, place) in kinds {
            let fault = CheckSchedule.PlannedFault(unit: unit, attempt: attempt, step: step, kind: kind, place: place)
            // Each set of faults once, in one order (`comesBefore`), not once per order.
            if let last, !last.comesBefore(fault) { continue }
            if apart(unit, alone: CheckSchedule(faults: [fault], shift: schedule.shift)) {
              skipped += 1
              continue
            }
            children.append(schedule.adding(fault))
          }
        }
      }
    }
    // Duplicates first, then faults: a duplicate's moment is chosen on a run without faults,
    // and faults then go on every execution of the run with the duplicate (its own included).
    // Both orders would reach each pair twice.
    if schedule.repeatCount < options.maxDuplicates && schedule.faults.isEmpty {
      for timeout in parent.clientTimeouts where !schedule.clientTimeouts.contains(where: { $0.invocation == timeout.invocation }) {
        if apart(timeout.invocation, alone: CheckSchedule(clientTimeouts: [timeout], shift: schedule.shift)) {
          skipped += 1
          continue
        }
        children.append(schedule.adding(timeout))
      }
      for duplicate in parent.duplicates where !schedule.duplicates.contains(duplicate) {
        if apart(duplicate.invocation, alone: CheckSchedule(duplicates: [duplicate], shift: schedule.shift)) {
          skipped += 1
          continue
        }
        children.append(schedule.adding(duplicate))
      }
    }
    return children
  }

  /// The faults before a step of a handler of steps, in the order the search tries them.
  static let beforeStep = CheckSchedule.FaultKind.allCases.map { ($0, CheckSchedule.Place.beforeStep) }

  /// The executions of a run a fault can target: (invocation, attempt number), or for an event
  /// source (record, delivery number).
  func executions(_ trace: Trace) -> [(String, Int)] {
    if base.eventSource != nil {
      var deliveries: [String: Int] = [:]
      var result: [(String, Int)] = []
      for attempt in trace.attempts where attempt.outcome != .throttled {
        for record in attempt.records {
          deliveries[record, default: 0] += 1
          result.append((record, deliveries[record]!))
        }
      }
      return result
    }
    return trace.attempts.filter { $0.outcome != .throttled }.map { ($0.invocation, $0.number) }
  }

  /// Spontaneous second deliveries of each async event: at once (the two executions overlap),
  /// just after each moment something else happens in the run (an execution ends, someone else
  /// writes), and a minute later.
  func duplicateCandidates(_ trace: Trace) -> [CheckSchedule.PlannedDuplicate] {
    var candidates: [CheckSchedule.PlannedDuplicate] = []
    let moments = Set(trace.attempts.map(\.end) + trace.effects.filter { $0.invocation == nil }.map(\.time)).sorted()
    for invocation in trace.invocations where invocation.type == .event {
      guard let first = trace.attempts.first(where: { $0.invocation == invocation.id && $0.outcome != .throttled }) else { continue }
      var offsets: [Milliseconds] = [0]
      for moment in moments where moment >= first.start { offsets.append(moment - first.start + 1) }
      offsets.append(60_000)
      candidates += Self.firstDistinct(offsets, limit: 8).map { .init(invocation: invocation.id, after: $0) }
    }
    return candidates
  }

  /// The first `limit` distinct offsets, in order: the moments a duplicate or a client's timeout
  /// is tried at, a handful per event, so that the search stays within its bound.
  static func firstDistinct(_ offsets: [Milliseconds], limit: Int) -> [Milliseconds] {
    var distinct: [Milliseconds] = []
    for offset in offsets where distinct.count < limit && !distinct.contains(offset) { distinct.append(offset) }
    return distinct
  }

  /// Client retries of each RequestResponse invocation: its client gives up just after its
  /// first execution starts, just after each of that execution's effects, and just before it
  /// answers, and retries as its SDK does (a client that never retries only stops waiting).
  func clientTimeoutCandidates(_ trace: Trace) -> [CheckSchedule.PlannedClientTimeout] {
    var candidates: [CheckSchedule.PlannedClientTimeout] = []
    for invocation in trace.invocations where invocation.type == .requestResponse && invocation.eventSource == nil {
      guard let first = trace.attempts.first(where: { $0.invocation == invocation.id && $0.outcome != .throttled }) else { continue }
      var moments = [first.start + 1]
      moments += trace.effects.filter { $0.invocation == invocation.id && $0.attempt == first.number }.map { $0.time + 1 }
      moments.append(first.end - 1)
      let offsets = moments.map { $0 - first.start }.filter { $0 > 0 }
      candidates += Self.firstDistinct(offsets, limit: 6).map { .init(invocation: invocation.id, after: $0) }
    }
    return candidates
  }

  /// Spontaneous second deliveries of each record by the event source mapping's poller (at
  /// least once): at once (a queue's other poller receives it too; a shard, busy with the batch,
  /// could only send it right after, which the next moment covers), just after each batch of its
  /// own lane ends (the duplicate then comes after newer records: out of order), and a minute
  /// later.
  func recordDuplicateCandidates(_ trace: Trace) -> [CheckSchedule.PlannedDuplicate] {
    var candidates: [CheckSchedule.PlannedDuplicate] = []
    var firstDelivery: [String: TraceAttempt] = [:]
    for attempt in trace.attempts where attempt.outcome != .throttled {
      for record in attempt.records where firstDelivery[record] == nil { firstDelivery[record] = attempt }
    }
    for record in base.records {
      guard let first = firstDelivery[record.id] else { continue }
      var offsets: [Milliseconds] = base.eventSource?.isStream == true ? [] : [0]
      for attempt in trace.attempts where attempt.invocation == first.invocation && attempt.end >= first.end {
        offsets.append(attempt.end - first.start + 1)
      }
      offsets.append(60_000)
      candidates += Self.firstDistinct(offsets, limit: 5).map { .init(invocation: record.id, after: $0) }
    }
    return candidates
  }

  /// Other orders of concurrent invocations' steps. An invocation whose execution overlaps
  /// another's in the exactly-once run is invoked again just before and just after each moment
  /// the other starts, touches the world or ends. Two Event invocations that touch the same items
  /// and were invoked closer together than the async queue's delivery delay varies (its range's
  /// width) may also be delivered the other way round: the later one is invoked just before the
  /// earlier one starts. Other invocations keep their order: it is the scenario's, not a race.
  /// (Counting invocations a function timeout apart as concurrent too was tried: the
  /// four-invocation status scenarios then stopped at the bound even with one fault.)
  func shifts(_ trace: Trace, footprint: CheckFootprint) -> [CheckSchedule.Shift] {
    guard base.eventSource == nil, base.invocations.count >= 2 else { return [] }
    var shifts: [CheckSchedule.Shift] = []
    let invocations = Array(base.invocations.prefix(4))
    func span(_ id: String) -> ClosedRange<Milliseconds>? {
      let attempts = trace.attempts.filter { $0.invocation == id && $0.outcome != .throttled }
      guard let first = attempts.map(\.start).min(), let last = attempts.map(\.end).max() else { return nil }
      return first...last
    }
    for moved in invocations {
      guard let start = trace.attempts.first(where: { $0.invocation == moved.id })?.start, let movedSpan = span(moved.id) else {
        continue
      }
      let lead = start - moved.at
      for other in invocations where other.id != moved.id {
        guard let otherSpan = span(other.id) else { continue }
        if !movedSpan.overlaps(otherSpan) {
          // Delivered the other way round: the queue's delivery delay could swap them.
          let window = base.function.asyncQueue.deliveryDelay.upperBound - base.function.asyncQueue.deliveryDelay.lowerBound
          guard moved.type == .event, other.type == .event, moved.at >= other.at, moved.at - other.at <= window,
            footprint.group(ofUnit: moved.id) == footprint.group(ofUnit: other.id),
            let otherStart = trace.attempts.first(where: { $0.invocation == other.id })?.start
          else { continue }
          let shift = CheckSchedule.Shift(invocation: moved.id, at: max(0, otherStart - 1 - lead))
          if shift.at != moved.at && !shifts.contains(shift) { shifts.append(shift) }
          continue
        }
        var moments: [Milliseconds] = []
        for attempt in trace.attempts where attempt.invocation == other.id && attempt.outcome != .throttled {
          moments += [attempt.start, attempt.end]
        }
        moments += trace.effects.filter { $0.invocation == other.id }.map(\.time)
        // Just before and just after each moment: the moved invocation's first step lands on
        // either side of each of the other's.
        for moment in Set(moments).sorted().prefix(8) {
          for at in [max(0, moment - 1 - lead), max(0, moment + 1 - lead)] {
            let shift = CheckSchedule.Shift(invocation: moved.id, at: at)
            if at != moved.at && !shifts.contains(shift) { shifts.append(shift) }
          }
        }
      }
    }
    return shifts
  }
}
