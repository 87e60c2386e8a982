import OrderedCollections
import RetryCore

/// `retryscope check`'s output: the verdict, what was explored, lost events, and each failing
/// property's smallest counterexample as a text timeline (or all of it as JSON).
public enum CheckReportText {
  public static func text(_ report: CheckReport, saved: [CheckProperty: String] = [:]) -> String {
    var out = "check \(report.scenario): \(report.verdict)\n"
    if let reference = report.lostReference { return out + lostReference(reference, report: report) }
    out += "explored: \(report.mode): \(count(report.schedulesRun, "schedule")) run"
    out += " (\(report.repeats) repeated a run already seen"
    if report.independentSkips > 0 {
      out += "; \(count(report.independentSkips, "combination")) of changes on lanes that share nothing not run"
    }
    out += "), \(count(report.distinctStates, "distinct final state"))"
    out += ", \(count(report.references, "exactly-once order"))\n"
    if report.faultsAtCalls { out += Self.faultsAtCalls }
    if !report.deliveredAgain.isEmpty {
      out += "delivered again with no fault: \(report.deliveredAgain.joined(separator: ", ")) (the scenario's own run)\n"
    }
    for change in report.exactlyOnceChanges { out += "exactly-once reference: \(change)\n" }
    if !report.referenceLostEvents.isEmpty {
      out += "lost by the exactly-once run too: \(report.referenceLostEvents.joined(separator: ", ")) "
      out += "(it never succeeds on \(report.referenceLostEvents.count == 1 ? "it" : "them"); runs are compared on what they leave, and set apart only for losing another event)\n"
    }
    if let lost = report.lostEvents {
      out += "lost events: \(count(report.lostEventRuns, "run")) lost an event (smallest: \(lost.schedule)); "
      out += "reported apart from the verdict: an event that never succeeded is not a run the definition speaks of\n"
    } else {
      out += "lost events: none\n"
    }
    for property in report.failures {
      let example = report.counterexamples[property]!
      out += "\n\(property.title): smallest counterexample (\(changes(example.schedule)), \(count(example.trace.events.count, "step"))): \(example.schedule)\n"
      let narrator = Narrator(trace: example.trace)
      let step = example.divergence
      if example.trace.events.indices.contains(step) {
        out += "  leaves the exactly-once run at step \(step + 1): \(narrator.caption(at: step))\n"
      }
      let report = TraceTextReport(trace: example.trace)
      for line in (report.timeline() + report.effectsTable()).split(separator: "\n", omittingEmptySubsequences: false) {
        out += line.isEmpty ? "\n" : "  " + line + "\n"
      }
      if let path = saved[property] { out += "  saved: \(path) (\(ShellQuoting.command(["retryscope", "tui", path])) opens it at step \(step + 1))\n" }
    }
    return out
  }

  /// The rest of the report when the exactly-once run itself lost an event: no search, and
  /// that run's timeline, which shows where the event was lost.
  static func lostReference(_ reference: Trace, report: CheckReport) -> String {
    var out = "explored: \(report.mode) (\(count(report.schedulesRun, "schedule")) run)\n"
    if !report.deliveredAgain.isEmpty {
      out += "delivered again with no fault: \(report.deliveredAgain.joined(separator: ", ")) (the scenario's own run)\n"
    }
    for change in report.exactlyOnceChanges { out += "exactly-once reference: \(change)\n" }
    let events = report.referenceLostEvents.joined(separator: ", ")
    out += "lost events: the exactly-once run (no fault) never succeeds on \(events): make it succeed, then check again\n"
    out += "\nthe exactly-once run, which loses \(events):\n"
    let text = TraceTextReport(trace: reference)
    for line in (text.timeline() + text.effectsTable()).split(separator: "\n", omittingEmptySubsequences: false) {
      out += line.isEmpty ? "\n" : "  " + line + "\n"
    }
    while out.hasSuffix("\n\n") { out.removeLast() }
    return out
  }

  /// What the faults of a search on a real handler are.
  static let faultsAtCalls =
    "faults at the program's calls, as many as each execution made: an error reply (HTTP 500), a timeout before or after "
    + "the service does the call (held past the deadline), a crash (SIGKILL) before or after it; every schedule starts "
    + "with no process\n"

  /// `1 fault`, `1 duplicate delivery`, `1 fault and 1 client retry`: what a schedule changes.
  static func changes(_ schedule: CheckSchedule) -> String {
    var parts: [String] = []
    if !schedule.faults.isEmpty { parts.append(count(schedule.faults.count, "fault")) }
    if !schedule.duplicates.isEmpty {
      parts.append(schedule.duplicates.count == 1 ? "1 duplicate delivery" : "\(schedule.duplicates.count) duplicate deliveries")
    }
    if !schedule.clientTimeouts.isEmpty {
      parts.append(schedule.clientTimeouts.count == 1 ? "1 client retry" : "\(schedule.clientTimeouts.count) client retries")
    }
    return parts.isEmpty ? "no change" : parts.joined(separator: " and ")
  }

  public static func json(_ report: CheckReport, saved: [CheckProperty: String] = [:]) -> String {
    var fields: OrderedDictionary<String, Value> = [
      "scenario": .string(report.scenario),
      // null when the search found nothing but was not exhaustive, or judged no run: neither
      // answer holds.
      "idempotent": report.isInconclusive ? .null : .bool(report.isIdempotent),
      "verdict": .list(report.failures.map { .string($0.rawValue) }),
      "mode": .string(report.modeName),
      "exhaustive": .bool(report.isExhaustive),
      // Which of the four it is, as the exit code says (0, 1, 3, 4).
      "result": .string(report.result.rawValue),
      "maxFaults": .int(report.options.maxFaults),
      "maxDuplicates": .int(report.options.maxDuplicates),
      "schedules": .int(report.schedulesRun),
      "repeats": .int(report.repeats),
      "independentSkips": .int(report.independentSkips),
      "distinctStates": .int(report.distinctStates),
      "references": .int(report.references),
      "failingRuns": .int(report.failingRuns),
      "lostEventRuns": .int(report.lostEventRuns),
      "judgedRuns": .int(report.judgedRuns),
    ]
    if let sampled = report.sampled { fields["samples"] = .int(sampled) }
    // Only for a real handler: a handler of steps has its faults before steps, as always.
    if report.faultsAtCalls { fields["faultPoints"] = .string("calls") }
    fields["lostEvents"] = report.lostEvents.map { .string($0.schedule.description) } ?? .null
    fields["referenceLostEvents"] = .list(report.referenceLostEvents.map(Value.string))
    fields["deliveredAgain"] = .list(report.deliveredAgain.map(Value.string))
    fields["exactlyOnceChanges"] = .list(report.exactlyOnceChanges.map(Value.string))
    var examples: OrderedDictionary<String, Value> = [:]
    for property in report.failures {
      let example = report.counterexamples[property]!
      var entry: OrderedDictionary<String, Value> = [
        "schedule": .string(example.schedule.description),
        "faults": .int(example.schedule.faults.count),
        "duplicateDeliveries": .int(example.schedule.duplicates.count),
        "clientRetries": .int(example.schedule.clientTimeouts.count),
        "steps": .int(example.trace.events.count),
        "divergenceStep": .int(example.divergence + 1),
      ]
      if let path = saved[property] { entry["saved"] = .string(path) }
      examples[property.rawValue] = .map(entry)
    }
    fields["counterexamples"] = .map(examples)
    return JSONText.compact(.map(fields)) + "\n"
  }

  static func count(_ value: Int, _ singular: String) -> String {
    "\(value) \(singular)\(value == 1 ? "" : "s")"
  }
}
