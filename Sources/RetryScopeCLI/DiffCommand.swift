import ArgumentParser
import RetryCore
import RetryIO

/// `retryscope diff <a> <b>`: two runs side by side (a buggy and a fixed handler, two seeds, a
/// simulation and the logs of the real thing), their effect ledgers compared row by row, and the
/// first step where they part. Exit 0 when the ledgers are equal, 1 when they differ.
struct DiffCommand: StatusCommand {
  static let configuration = CommandConfiguration(
    commandName: "diff",
    abstract: "Compare two runs: their effects on the outside world row by row, and where they first part.",
    discussion: """
      Each side is a built-in scenario, a scenario file (.yaml), Lambda logs or a trace file (.json).
      Exit status: 0 when the ledgers are equal, 1 when they differ, 2 on bad input.
      Example: retryscope diff create-user create-user --seed-b 7
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case text, json
  }

  @Argument(help: "The first run: a scenario name, a scenario file, logs or a trace file.")
  var a: String

  @Argument(help: "The second run, the same kinds.")
  var b: String

  @Option(help: "The seed of both scenarios (default: each scenario's own).")
  var seed: UInt64?

  @Option(name: .customLong("seed-a"), help: "The seed of the first scenario (wins over --seed).")
  var seedA: UInt64?

  @Option(name: .customLong("seed-b"), help: "The seed of the second scenario (wins over --seed).")
  var seedB: UInt64?

  @Option(help: "text: the ledgers side by side (80 columns); json: the comparison for machines.")
  var format: Format = .text

  @Flag(help: "Plain ASCII symbols instead of Unicode.")
  var ascii = false

  init() {}

  func output() throws(CLIError) -> String { try outputAndStatus().0 }

  func outputAndStatus() throws(CLIError) -> (String, Int32) {
    let (traceA, labelA) = try Self.load(a, seed: seedA ?? seed, option: seedA != nil ? "--seed-a" : "--seed", ascii: ascii)
    let (traceB, labelB) = try Self.load(b, seed: seedB ?? seed, option: seedB != nil ? "--seed-b" : "--seed", ascii: ascii)
    let diff = TraceDiff(traceA, label: labelA, traceB, label: labelB)
    let text =
      format == .json
      ? DiffReport.json(diff, traceA, traceB)
      : DiffReport(ascii: ascii).text(diff, traceA, traceB)
    return (text, diff.ledgersEqual ? 0 : 1)
  }

  /// A side's trace and the label it goes by (`create-user seed 7`, `app.log`).
  static func load(_ name: String, seed: UInt64?, option: String, ascii: Bool = false) throws(CLIError) -> (Trace, String) {
    if TraceLoader.isTraceOrLog(name) {
      if seed != nil { throw CLIError("\(option): \(name) is a recorded trace, not a scenario: there is nothing to reseed") }
      let trace = try TUISetup.loadTrace([name], LogOpenOptions(), ascii: ascii)
      return (trace, name)
    }
    let scenario: Scenario
    do {
      scenario = try BuiltinScenarios.resolve(name)
    } catch {
      throw CLIError(error)
    }
    let trace = Simulator(scenario: scenario, seed: seed).run()
    return (trace, "\(name) seed \(trace.meta.seed.map(String.init) ?? "-")")
  }
}

/// The text and JSON of a `TraceDiff`.
struct DiffReport {
  var ascii: Bool

  static let width = 80
  /// Row layout: marker 2, key 18, space, a 22, ` | `, b 22, space, verdict 10.
  static let keyWidth = 18, cellWidth = 22

  func text(_ diff: TraceDiff, _ a: Trace, _ b: Trace) -> String {
    let dot = ascii ? "-" : "·"
    var out = ""
    out += fit("a: \(diff.a.label) \(dot) \(a.meta.title)", Self.width) + "\n"
    out += fit("b: \(diff.b.label) \(dot) \(b.meta.title)", Self.width) + "\n\n"
    let summaryRows: [(String, String, String)] = [
      ("", "a", "b"),
      ("invocations", "\(diff.a.invocations)", "\(diff.b.invocations)"),
      ("executions", "\(diff.a.executions)", "\(diff.b.executions)"),
      ("changes", "\(diff.a.changes)", "\(diff.b.changes)"),
      ("duplicates", "\(diff.a.duplicates)", "\(diff.b.duplicates)"),
      ("outcomes", diff.a.outcomeText, diff.b.outcomeText),
    ]
    for (index, (name, x, y)) in summaryRows.enumerated() {
      let mark = index > 0 && x != y ? "! " : "  "
      out += trimmed(mark + pad(name, 14) + pad(x, 31) + " | " + fit(y, 30)) + "\n"
    }
    for target in diff.targets {
      let noun = target.kind == .table ? "row" : "request"
      let rows = target.rows.count
      let state = target.differences == 0 ? "equal" : "\(target.differences) differ"
      out += "\n\(target.name) (\(target.kind.rawValue)) \(dot) \(rows) \(rows == 1 ? noun : noun + "s") \(dot) \(state)\n"
      out += trimmed("  " + pad("key", Self.keyWidth) + " " + pad("a", Self.cellWidth) + " | " + "b") + "\n"
      for row in target.rows {
        out += line(row) + "\n"
      }
    }
    if diff.targets.isEmpty { out += "\nneither run touches a table or an endpoint\n" }
    out += "\n"
    out += Self.divergenceText(diff, a, b) + "\n"
    let verdict =
      diff.ledgersEqual
      ? "the ledgers are equal"
      : "the ledgers differ: \(diff.differences) \(diff.differences == 1 ? "row" : "rows") (marked !)"
    out += verdict + "\n"
    // Titles, keys and values come from the traces: any Unicode.
    return ascii ? ASCIIText.fold(out) : out
  }

  /// `! id=…  v1 x2 A#1+A#2 {..} | v1 A#1 {..}  more in a`.
  func line(_ row: TraceDiff.Row) -> String {
    let mark = row.verdict.isDifference ? "! " : "  "
    let left = row.a.map(\.ledgerText) ?? "-"
    let right = row.b.map(\.ledgerText) ?? "-"
    let verdict = row.verdict.isDifference ? " " + row.verdict.short : ""
    var text = trimmed(
      mark + pad(fit(row.key, Self.keyWidth), Self.keyWidth) + " " + pad(fit(left, Self.cellWidth), Self.cellWidth) + " | "
        + pad(fit(right, Self.cellWidth), Self.cellWidth) + verdict)
    if row.verdict == .differentKey, let b = row.b {
      // Keys made up at run time: the rows meet by who wrote them; b's key on a line of its own.
      text += "\n" + fit("    \(ascii ? "->" : "↳") b: \(b.key)", Self.width)
    }
    return text
  }

  /// `first divergence at step 4 (a t=0.348s, b t=0.412s):` and each side's caption.
  static func divergenceText(_ diff: TraceDiff, _ a: Trace, _ b: Trace) -> String {
    guard let divergence = diff.divergence else { return "no divergence: both runs take the same steps" }
    let timeA = divergence.timeA.map { "a t=\(DurationText.offset($0))" } ?? "a has ended"
    let timeB = divergence.timeB.map { "b t=\(DurationText.offset($0))" } ?? "b has ended"
    var text = "first divergence at step \(divergence.step + 1) (\(timeA), \(timeB)):"
    let captionA = divergence.eventA.map { Narrator(trace: a).caption(at: $0) } ?? "(no more steps)"
    let captionB = divergence.eventB.map { Narrator(trace: b).caption(at: $0) } ?? "(no more steps)"
    text += "\n  a: \(captionA)\n  b: \(captionB)"
    return text
  }

  private func fit(_ text: String, _ width: Int) -> String {
    guard text.count > width else { return text }
    let ellipsis = ascii ? "~" : "…"
    return String(text.prefix(max(0, width - 1))) + ellipsis
  }

  private func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
  }

  private func trimmed(_ text: String) -> String {
    var text = text
    while text.last == " " { text.removeLast() }
    return text
  }

  // MARK: JSON

  static func json(_ diff: TraceDiff, _ a: Trace, _ b: Trace) -> String {
    var out = "{\n"
    out += "\"equal\":\(diff.ledgersEqual),\n\"differences\":\(diff.differences),\n"
    out += "\"a\":" + summary(diff.a) + ",\n\"b\":" + summary(diff.b) + ",\n"
    out += "\"targets\":["
    for (t, target) in diff.targets.enumerated() {
      out += t == 0 ? "\n" : ",\n"
      out += "{\"name\":" + string(target.name) + ",\"kind\":" + string(target.kind.rawValue) + ",\"rows\":["
      for (r, row) in target.rows.enumerated() {
        out += r == 0 ? "\n" : ",\n"
        out += "{\"verdict\":" + string(row.verdict.rawValue) + ",\"a\":" + cell(row.a) + ",\"b\":" + cell(row.b) + "}"
      }
      out += target.rows.isEmpty ? "]}" : "\n]}"
    }
    out += diff.targets.isEmpty ? "],\n" : "\n],\n"
    out += "\"divergence\":"
    if let divergence = diff.divergence {
      let captionA = divergence.eventA.map { Narrator(trace: a).caption(at: $0) }
      let captionB = divergence.eventB.map { Narrator(trace: b).caption(at: $0) }
      out += "{\"step\":\(divergence.step + 1),\"timeA\":\(number(divergence.timeA)),\"timeB\":\(number(divergence.timeB))"
      out += ",\"captionA\":" + (captionA.map(string) ?? "null") + ",\"captionB\":" + (captionB.map(string) ?? "null") + "}"
    } else {
      out += "null"
    }
    return out + "\n}\n"
  }

  private static func summary(_ s: TraceDiff.Summary) -> String {
    var out = "{\"label\":" + string(s.label) + ",\"invocations\":\(s.invocations),\"executions\":\(s.executions)"
    out += ",\"changes\":\(s.changes),\"duplicates\":\(s.duplicates),\"outcomes\":{"
    out += s.outcomes.map { string($0.kind) + ":\($0.count)" }.joined(separator: ",")
    return out + "}}"
  }

  private static func cell(_ cell: TraceDiff.Cell?) -> String {
    guard let cell else { return "null" }
    var out = "{\"key\":" + string(cell.key) + ",\"value\":" + (cell.value.map(string) ?? "null")
    out += ",\"version\":\(number(cell.version)),\"deleted\":\(cell.deleted),\"writes\":\(cell.writes)"
    out += ",\"by\":[" + cell.actors.map(string).joined(separator: ",") + "]"
    out += ",\"repeatOf\":[" + cell.repeatedBy.map(string).joined(separator: ",") + "]"
    out += ",\"unchanged\":[" + cell.unchanged.map(string).joined(separator: ",") + "]}"
    return out
  }

  private static func string(_ text: String) -> String {
    var out = ""
    JSONText.writeString(text, into: &out)
    return out
  }

  private static func number(_ value: Int?) -> String { value.map(String.init) ?? "null" }
}
