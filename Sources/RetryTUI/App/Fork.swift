import RetryCore

/// What the fork menu (`F`) can switch for the future of a run.
public enum ForkChoice: Equatable, Sendable {
  public enum FaultKind: String, Sendable, CaseIterable {
    case error, timeout, crash
  }

  /// A fault in the next execution that starts after the playhead, before its first step.
  case fault(FaultKind)
  /// Drop the scenario's faults that have not struck yet.
  case removePendingFaults
  /// The async queue delivers the current invocation's event once more, after the playhead.
  case duplicateDelivery
  /// Async `MaximumRetryAttempts` for retry decisions after the playhead.
  case maximumRetryAttempts(Int)
  /// The SDK client's `maxAttempts` for retry decisions after the playhead.
  case clientMaxAttempts(Int)
  /// One of the scenario's handler variants for executions that start after the playhead; nil
  /// for the disabled line of a scenario without variants (listed to say so). The empty name is
  /// the scenario's own handler again, after a fork switched it.
  case handlerVariant(String?)
}

/// One line of the fork menu: what it does, or why it cannot here.
public struct ForkOption: Equatable, Sendable {
  public var choice: ForkChoice
  public var label: String
  /// Why the choice is not available at this playhead (nil: it is).
  public var unavailable: String?
}

/// Builds forks: the scenario changed for the future of the run, simulated again from the start
/// with the same seed. Changes aim only at what happens after the playhead (a fault in an
/// execution that has not started, a setting read by decisions after the playhead's time, a
/// handler variant for the executions that start after it), and
/// the fork is kept only if its events up to the playhead equal the parent's.
public enum ForkPlanner {
  /// The menu for this state, in order.
  public static func options(_ state: AppState) -> [ForkOption] {
    guard let scenario = state.session.scenario else {
      return [
        ForkOption(
          choice: .handlerVariant(nil), label: "nothing to fork", unavailable: "an imported trace has no scenario to replay")
      ]
    }
    var options: [ForkOption] = []
    let next = nextAttempt(state)
    let eventSource = scenario.eventSource != nil
    for kind in ForkChoice.FaultKind.allCases {
      let target = next.map { "\($0.invocation)#\($0.attempt)" }
      options.append(
        ForkOption(
          choice: .fault(kind), label: "\(kind.rawValue) in the next execution\(target.map { " (\($0))" } ?? "")",
          unavailable: eventSource
            ? "event source batches: faults name records" : next == nil ? "no execution starts after the playhead" : nil))
    }
    let pending = pendingFaultCount(state, scenario)
    options.append(
      ForkOption(
        choice: .removePendingFaults, label: "remove the scenario's pending faults (\(pending))",
        unavailable: eventSource ? "event source batches: faults name records" : pending == 0 ? "no fault is pending" : nil))
    let current = duplicateTarget(state, scenario)
    options.append(
      ForkOption(
        choice: .duplicateDelivery, label: "deliver \(current?.id ?? "the current event") again (duplicate delivery)",
        unavailable: current == nil
          ? eventSource ? "the current step names no record" : "the current step is not an Event invocation's" : nil))
    // The values in effect for decisions after the playhead: a fork of a fork starts from them.
    let after = (state.trace.events.isEmpty ? 0 : state.trace.events[state.playhead].time) + 1
    let maximum = scenario.changed(\.maximumRetryAttempts, at: after) ?? scenario.function.eventInvokeConfig.maximumRetryAttempts
    let hasEvent = scenario.invocations.contains { $0.type == .event } || !scenario.schedules.isEmpty
    for value in [0, 1, 2] where value != maximum {
      options.append(
        ForkOption(
          choice: .maximumRetryAttempts(value), label: "maximumRetryAttempts \(maximum) -> \(value)",
          unavailable: hasEvent ? nil : "no async invocation in this scenario"))
    }
    let hasSync = scenario.invocations.contains { $0.type == .requestResponse }
    let client = scenario.invocations.first { $0.type == .requestResponse }?.client ?? scenario.client
    let attempts = scenario.changed(\.clientMaxAttempts, at: after) ?? client.maxAttempts
    for value in [1, 3] where value != attempts {
      options.append(
        ForkOption(
          choice: .clientMaxAttempts(value), label: "client maxAttempts \(attempts) -> \(value)",
          unavailable: hasSync ? nil : "no RequestResponse invocation"))
    }
    let forkedHandler = scenario.changed(\.handlerVariant, at: after).flatMap { $0.isEmpty ? nil : $0 }
    let running = forkedHandler ?? scenario.variant
    for variant in scenario.variants {
      options.append(
        ForkOption(
          choice: .handlerVariant(variant.name), label: "handler variant \(variant.name)",
          unavailable: running == variant.name
            ? "this run already runs \(variant.name)" : next == nil ? "no execution starts after the playhead" : nil))
    }
    if let forkedHandler {
      options.append(
        ForkOption(
          choice: .handlerVariant(""), label: "handler: \(scenario.runName)'s own again (instead of \(forkedHandler))",
          unavailable: next == nil ? "no execution starts after the playhead" : nil))
    }
    if scenario.variants.isEmpty {
      options.append(ForkOption(choice: .handlerVariant(nil), label: "handler variant", unavailable: Self.noVariants))
    }
    return options
  }

  /// The forked run, or why not: a message for the user.
  public static func fork(_ state: AppState, _ choice: ForkChoice) -> Result<(TraceSession, change: String), LoadFailure> {
    guard var scenario = state.session.scenario else { return .failure(LoadFailure("an imported trace has no scenario to replay")) }
    let time = state.trace.events.isEmpty ? 0 : state.trace.events[state.playhead].time
    let change: String
    switch choice {
    case .fault(let kind):
      guard let next = nextAttempt(state) else { return .failure(LoadFailure("no execution starts after the playhead")) }
      let faultKind: Fault.Kind =
        switch kind {
        case .error: .error(type: "Error", message: "injected by a fork")
        case .timeout: .timeout
        case .crash: .crash
        }
      // First in the list: it strikes before any fault of the scenario at the same point.
      scenario.faults.insert(Fault(invocation: next.invocation, attempt: next.attempt, point: .beforeStep(1), kind: faultKind), at: 0)
      change = "\(kind.rawValue) \(next.invocation)#\(next.attempt)"
    case .removePendingFaults:
      scenario.faults = pastFaults(state, scenario)
      change = "no pending faults"
    case .duplicateDelivery:
      guard let target = duplicateTarget(state, scenario) else {
        return .failure(LoadFailure(scenario.eventSource == nil
          ? "the current step is not an Event invocation's" : "the current step names no record"))
      }
      // The delay counts from the first delivery: land just after the playhead (an event not yet
      // delivered: a second later; a record not yet delivered: with its first delivery).
      let notYetDelivered: Milliseconds = scenario.eventSource == nil ? 1_000 : 0
      let after = target.firstDelivery.flatMap { $0 <= time ? time + 1 - $0 : nil } ?? notYetDelivered
      scenario.duplicateDeliveries.append(DuplicateDelivery(invocation: target.id, after: after))
      change = "\(target.id) delivered again"
    case .maximumRetryAttempts(let value):
      changeSettings(&scenario, from: time) { $0.maximumRetryAttempts = value }
      change = "maximumRetryAttempts \(value)"
    case .clientMaxAttempts(let value):
      changeSettings(&scenario, from: time) { $0.clientMaxAttempts = value }
      change = "client maxAttempts \(value)"
    case .handlerVariant(let name):
      // "" is the scenario's own handler again (no variant has that name, so none is picked).
      guard let name, name.isEmpty || scenario.variant(named: name) != nil else { return .failure(LoadFailure(Self.noVariants)) }
      // Without an execution to come the variant would run nowhere: the fork would be its parent.
      guard nextAttempt(state) != nil else { return .failure(LoadFailure("no execution starts after the playhead")) }
      changeSettings(&scenario, from: time) { $0.handlerVariant = name }
      change = name.isEmpty ? "handler \(scenario.runName)'s own" : "handler \(name)"
    }
    let session = TraceSession(scenario: scenario, seed: state.session.seed)
    if let step = firstDifference(state.trace, session.trace, through: state.playhead) {
      return .failure(LoadFailure("not forked: \(change) would change the past (step \(step + 1) differs)"))
    }
    return .success((session, change))
  }

  /// One more settings change, from `time` on: a fork of a fork keeps the earlier forks' changes
  /// at their own moments, and the latest wins after its moment (`Scenario.changed(_:at:)`).
  static func changeSettings(_ scenario: inout Scenario, from time: Milliseconds, _ update: (inout SettingsChange) -> Void) {
    var settings = SettingsChange(from: time)
    update(&settings)
    scenario.settingsChanges.append(settings)
  }

  static let noVariants = "this scenario has no handler variants ('variants:' in its file); :diff client-token compares a fixed handler"

  /// The first event index up to `playhead` at which the two traces differ, or nil.
  public static func firstDifference(_ a: Trace, _ b: Trace, through playhead: Int) -> Int? {
    for index in 0...max(0, playhead) {
      guard index < a.events.count else { return nil }
      guard index < b.events.count, a.events[index] == b.events[index] else { return index }
      if let e = a.events[index].effect, e < a.effects.count {
        guard let f = b.events[index].effect, f < b.effects.count, a.effects[e] == b.effects[f] else { return index }
      }
    }
    return nil
  }

  /// The first execution that starts after the playhead: its invocation and attempt number.
  static func nextAttempt(_ state: AppState) -> (invocation: String, attempt: Int)? {
    let events = state.trace.events
    guard !events.isEmpty else { return nil }
    for event in events[(state.playhead + 1)...] where event.kind == .attemptStart {
      if let invocation = event.invocation, let attempt = event.attempt { return (invocation, attempt) }
    }
    return nil
  }

  /// What a duplicate delivery at the playhead would deliver again, and when it was first
  /// delivered: the Event invocation of the current step, or in an event source scenario the
  /// record the current step is about (its effect's record, its batch's first record, the record
  /// that arrived).
  static func duplicateTarget(_ state: AppState, _ scenario: Scenario) -> (id: String, firstDelivery: Milliseconds?)? {
    let trace = state.trace
    if scenario.eventSource == nil {
      guard let invocation = currentInvocation(state, scenario) else { return nil }
      let first = trace.events.first { $0.invocation == invocation.id && ($0.kind == .attemptStart || $0.kind == .throttled) }
      return (invocation.id, first?.time)
    }
    guard trace.events.indices.contains(state.playhead) else { return nil }
    let event = trace.events[state.playhead]
    var record: String?
    switch event.kind {
    case .effect: record = event.effect.flatMap { trace.record(ofEffect: $0) }
    case .recordArrived, .duplicateDelivery: record = event.note
    case .attemptStart, .attemptEnd:
      record = trace.attempts.first { $0.invocation == event.invocation && $0.number == event.attempt }?.records.first
    default: record = nil
    }
    guard let record, scenario.records.contains(where: { $0.id == record }) else { return nil }
    return (record, trace.attempts.first { $0.records.contains(record) }?.start)
  }

  /// The Event invocation of the step at the playhead, if it is one of the scenario's.
  static func currentInvocation(_ state: AppState, _ scenario: Scenario) -> InvocationDefinition? {
    guard state.trace.events.indices.contains(state.playhead), let id = state.trace.events[state.playhead].invocation,
      scenario.eventSource == nil
    else { return nil }
    return scenario.invocations.first { $0.id == id && $0.type == .event }
  }

  /// The executions that ended by the playhead.
  static func endedAttempts(_ state: AppState) -> [(invocation: String, attempt: Int)] {
    guard !state.trace.events.isEmpty else { return [] }
    return state.trace.events[...state.playhead].compactMap { event in
      guard event.kind == .attemptEnd, let invocation = event.invocation, let attempt = event.attempt else { return nil }
      return (invocation, attempt)
    }
  }

  /// The scenario's faults narrowed to the executions that ended by the playhead: what already
  /// struck stays, the rest goes. A fault for many executions becomes one per ended execution.
  static func pastFaults(_ state: AppState, _ scenario: Scenario) -> [Fault] {
    let ended = endedAttempts(state)
    var kept: [Fault] = []
    for fault in scenario.faults {
      for (invocation, attempt) in ended {
        if let target = fault.invocation, target != invocation && !invocation.hasPrefix(target + "-") { continue }
        if let number = fault.attempt, number != attempt { continue }
        var narrowed = fault
        narrowed.invocation = invocation
        narrowed.attempt = attempt
        kept.append(narrowed)
      }
    }
    return kept
  }

  /// How many of the scenario's faults could still strike after the playhead.
  static func pendingFaultCount(_ state: AppState, _ scenario: Scenario) -> Int {
    let ended = endedAttempts(state)
    return scenario.faults.filter { fault in
      // A fault for one execution is pending unless that execution ended; one for many always is.
      guard let invocation = fault.invocation, let attempt = fault.attempt else { return true }
      return !ended.contains { $0.invocation == invocation && $0.attempt == attempt }
    }.count
  }
}
