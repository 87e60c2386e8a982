import Foundation
import RetryCore
import Testing

@testable import RetryIO

/// The text of `docs/<name>`, for the tests that keep the documentation's examples loading.
func documentation(_ name: String) throws -> String {
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  return try String(contentsOf: root.appendingPathComponent("docs/\(name)"), encoding: .utf8)
}

/// The one-line description of the error loading `yaml` gives, or nil when it loads.
func loadError(_ yaml: String, file: String = "test.yaml") -> String? {
  do {
    _ = try ScenarioLoader.load(yaml: yaml, file: file)
    return nil
  } catch {
    return error.description
  }
}

/// Loads `yaml`, recording the error as a test failure.
func loadScenario(_ yaml: String, file: String = "test.yaml", sourceLocation: Testing.SourceLocation = #_sourceLocation) throws
  -> Scenario
{
  do {
    return try ScenarioLoader.load(yaml: yaml, file: file)
  } catch {
    Issue.record("unexpected error: \(error)", sourceLocation: sourceLocation)
    throw error
  }
}

/// A template in a comparable form: literal maps and lists print like template maps and lists
/// (`{"a":7}`), so that a test does not depend on how deep the loader keeps literals.
func render(_ template: Template) -> String {
  switch template {
  case .literal(let value): return JSONText.compact(value)
  case .map(let fields): return "{" + fields.map { JSONText.compact(.string($0.key)) + ":" + render($0.value) }.joined(separator: ",") + "}"
  case .list(let items): return "[" + items.map(render).joined(separator: ",") + "]"
  case .text: return "<text>"
  }
}

/// A step in a comparable, one-line form.
func render(_ step: Step) -> String {
  var parts: [String] = [render(step.action)]
  if let name = step.name { parts.append("name=\(name)") }
  if let resultName = step.resultName { parts.append("as=\(resultName)") }
  if let duration = step.duration { parts.append("duration=\(duration)") }
  return parts.joined(separator: " ")
}

func render(_ action: StepAction) -> String {
  switch action {
  case .getItem(let table, let key): return "get \(table) key=\(render(key))"
  case .putItem(let table, let item, let condition): return "put \(table) item=\(render(item))\(condition == nil ? "" : " condition")"
  case .updateItem(let table, let key, _, let condition, let values, let names):
    return "update \(table) key=\(render(key)) values=\(values.keys.sorted()) names=\(names.keys.sorted())\(condition == nil ? "" : " condition")"
  case .deleteItem(let table, let key, let condition): return "delete \(table) key=\(render(key))\(condition == nil ? "" : " condition")"
  case .post(let endpoint, let body, let onError): return "post \(endpoint) body=\(render(body)) onError=\(onError.rawValue)"
  case .uuid: return "uuid"
  case .now: return "now"
  case .compute: return "compute"
  case .log(let message): return "log \(render(message))"
  case .fail(let errorType, let message): return "throw \(errorType) \(render(message))"
  case .respond(let value): return "return \(render(value))"
  case .branch(let condition, let then, let otherwise):
    return "if \(condition.rawValue) then [\(then.map(render).joined(separator: "; "))] else [\(otherwise.map(render).joined(separator: "; "))]"
  }
}
