import ArgumentParser
import RetryCore
import RetryIO

/// `retryscope list`: the built-in scenarios, one line each.
struct ListCommand: TextCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List the built-in scenarios, one line each, with their handler variants.")

  init() {}

  func output() throws(CLIError) -> String {
    var rows: [(String, String, String)] = []
    for name in BuiltinScenarios.names {
      let scenario: Scenario
      do { scenario = try BuiltinScenarios.load(named: name) } catch { throw CLIError(error) }
      var types = Set(scenario.invocations.map(\.type.rawValue))
      if !scenario.schedules.isEmpty { types.insert("Schedule") }
      if let source = scenario.eventSource { types.insert(Self.kind(of: source)) }
      // A scenario's handler variants run with `NAME@VARIANT` or `--variant`: list them so they can be found.
      let names = scenario.variants.map(\.name)
      let variants = names.isEmpty ? "" : "  (variant\(names.count == 1 ? "" : "s") \(names.joined(separator: ", ")))"
      rows.append((name, types.sorted().joined(separator: "+"), scenario.title + variants))
    }
    let nameWidth = rows.map(\.0.count).max() ?? 0
    let typeWidth = rows.map(\.1.count).max() ?? 0
    return rows.map { name, types, title in
      name.padding(nameWidth) + "  " + types.padding(typeWidth) + "  " + title
    }.joined(separator: "\n") + "\n"
  }

  /// What an event source scenario shows in the invocation-types column.
  static func kind(of source: EventSourceMapping) -> String {
    switch source.kind {
    case .sqs: source.queue.fifo ? "SQS FIFO" : "SQS"
    case .kinesis: "Kinesis"
    case .dynamodb: "DynamoDB"
    }
  }
}

extension String {
  func padding(_ width: Int) -> String {
    self + String(repeating: " ", count: max(0, width - count))
  }
}
