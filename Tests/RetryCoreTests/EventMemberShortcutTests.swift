import Testing
@testable import RetryCore

/// The simulator reads `event.x` in place (`Template.evaluate(_:member:)`) instead of resolving
/// `event` first: a handler must see exactly what the plain evaluation gives, errors included.
@Suite struct EventMemberShortcutTests {
  static let payloads: [Value] = [
    ["id": 7, "user": ["name": "Ann"], "items": [1, 2], "empty": nil],
    "just a string",
    [1, 2, 3],
    nil,
  ]

  static let templates = [
    "${event.id}", "${event.missing}", "${event.user.name}", "${event.user.missing.deeper}", "${event.items[1]}",
    "${event['id']}", "id ${event.id} of ${event.missing}", "${event.id * 2}", "${event.missing * 2}",
    "${event.empty}", "${-event.id}", "${event}",
  ]

  @Test(arguments: payloads)
  func handlerSeesWhatPlainEvaluationGives(payload: Value) throws {
    for text in Self.templates {
      let template = try Template.parse(text)
      let expected: Result<Value, ExpressionError>
      do throws(ExpressionError) {
        expected = .success(try template.evaluate { $0 == "event" ? payload : nil })
      } catch {
        expected = .failure(error)
      }
      let scenario = Build.scenario(.requestResponse, steps: [Step(name: "respond", action: .respond(template))]) {
        $0.invocations[0].payload = payload
      }
      let attempt = try #require(Simulator(scenario: scenario).run().attempts.first)
      switch expected {
      case .success(let value):
        #expect(attempt.outcome == .success, "\(text)")
        #expect(attempt.response == value, "\(text)")
      case .failure(let error):
        #expect(attempt.errorType == "TypeError", "\(text)")
        #expect(attempt.errorMessage == error.message, "\(text)")
      }
    }
  }
}
