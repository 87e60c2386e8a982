import Foundation
import RetryCore
import Testing

@testable import RetryIO

/// Every YAML example of the documentation (README.md and docs/*.md) loads exactly as printed,
/// so that a reader who copies one gets a scenario, not an error. A whole scenario loads alone; a
/// section (`function:`, `faults:`, ...) or a list of handler steps is put, unchanged, into a
/// small scenario that declares what the examples name (tables `users`, `status`, `dedup`,
/// endpoints `mailchimp`, `slack`, invocation `A`, steps `insert-user` and `post-to-slack`, records
/// `m1`, `alice-1`),
/// and must load in one of two of them: one invoked directly, one by an event source.
@Suite struct DocumentationExamplesTests {
  struct Example: CustomStringConvertible {
    var file: String
    var line: Int
    var yaml: String
    var description: String { "\(file):\(line)" }
  }

  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// The ```yaml blocks of README.md and every docs/*.md, with the line of their first line.
  static let examples: [Example] = {
    var files = ["README.md"]
    let docs = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)) ?? []
    files += docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
    var examples: [Example] = []
    for file in files {
      guard let text = try? String(contentsOf: root.appendingPathComponent(file), encoding: .utf8) else { continue }
      var block: [Substring]?
      var start = 0
      for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        if block == nil, line == "```yaml" || line == "```yml" {
          block = []
          start = number + 2
        } else if let lines = block, line.hasPrefix("```") {
          examples.append(Example(file: file, line: start, yaml: lines.joined(separator: "\n") + "\n"))
          block = nil
        } else {
          block?.append(line)
        }
      }
    }
    return examples
  }()

  /// A scenario around a fragment: every top-level section the fragment does not give.
  static func scenario(around yaml: String, eventSource: Bool) -> String {
    var sections: [(key: String, text: String)] = [
      ("name", "name: doc\n"),
      ("tables", """
        tables:
          - {name: users, partitionKey: id}
          - {name: status, partitionKey: user, sortKey: seq}
          - {name: dedup, partitionKey: id}

        """),
      ("endpoints", """
        endpoints:
          - {name: mailchimp, url: "https://mailch.imp/add"}
          - {name: slack, url: "https://hooks.slack.test"}

        """),
      ("handler", """
        handler:
          - uuid: id
          - name: insert-user
            compute: 1ms
          - name: post-to-slack
            compute: 1ms
          - return: {id: "${id}"}

        """),
    ]
    if eventSource {
      sections.append(("eventSource", "eventSource: {type: sqs}\n"))
      sections.append(("records", "records:\n  - {id: m1}\n  - {id: m2}\n  - {id: alice-1}\n"))
    } else {
      sections.append(("invocations", "invocations:\n  - {id: A, type: Event, payload: {id: u1, mail: a@example.com, text: hi}}\n"))
    }
    let firstLine = yaml.split(separator: "\n").first { !$0.hasPrefix("#") && !$0.isEmpty } ?? ""
    if firstLine.hasPrefix("- ") {
      // Handler steps: the block is the handler.
      return sections.filter { $0.key != "handler" }.map(\.text).joined() + "handler:\n" + yaml
    }
    let given = Set(
      yaml.split(separator: "\n").filter { $0.first?.isLetter == true }.compactMap { $0.split(separator: ":").first.map(String.init) })
    // A block that brings its own way in takes the place of the scaffold's.
    let ownWayIn = given.contains("eventSource") || given.contains("records") || given.contains("invocations")
    return sections.filter { !given.contains($0.key) && !(ownWayIn && ["eventSource", "records", "invocations"].contains($0.key)) }
      .map(\.text).joined() + yaml
  }

  @Test func everyDocumentationFileIsSearched() {
    #expect(Self.examples.contains { $0.file == "README.md" })
    #expect(Self.examples.filter { $0.file == "docs/scenario-format.md" }.count >= 28)
  }

  @Test(arguments: examples)
  func theExampleLoadsAsPrinted(_ example: Example) throws {
    if example.yaml.hasPrefix("name:") {
      // A whole scenario.
      _ = try loadScenario(example.yaml, file: example.description)
      return
    }
    var errors: [String] = []
    for eventSource in [false, true] {
      let yaml = Self.scenario(around: example.yaml, eventSource: eventSource)
      if let error = loadError(yaml, file: example.description) {
        errors.append(error + " in:\n" + yaml)
      } else {
        return
      }
    }
    Issue.record("\(example) does not load:\n\(errors.joined(separator: "\n---\n"))")
  }

  /// The README's scenario is the built-in `create-user`, byte for byte.
  @Test func theReadmeScenarioIsTheBuiltinOne() throws {
    let readme = try #require(Self.examples.first { $0.file == "README.md" && $0.yaml.hasPrefix("name: create-user") })
    #expect(readme.yaml == BuiltinScenarios.yaml(named: "create-user"))
  }
}
