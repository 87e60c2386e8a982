import Foundation
import Testing

@testable import RetryExec

/// Lambda keeps an async event's request id across its retries ("same request id"), and a handled
/// error leaves the environment warm: the retry runs on the same process, under the same id. Its
/// calls are numbered from 1 again and meet only its own faults, never the plan of the attempt
/// before (found running examples/exec: an attempt-1 fault at call 2 killed the retry's first call).
@Suite(.serialized) struct CallGateRetryTests {
  @Test func aRetryUnderTheSameRequestIdCountsItsCallsAfreshAndMeetsNoEarlierFault() async throws {
    try await PythonRuntimeTests.withCode { code in
      let host = PythonRuntimeTests.host("app.create_user", code: code)
      // Attempt 1: its first call is throttled (the handler raises: a handled error, warm), and a
      // crash is planned at its second call, which it never makes.
      let first = try await host.execute(
        PythonRuntimeTests.invocation("req-1"), faults: [1: .error(status: 429), 2: .crashBeforeForwarding])
      // Attempt 2, the same request id, no fault planned.
      let second = try await host.execute(PythonRuntimeTests.invocation("req-1"))
      let coldStarts = await host.coldStarts
      await host.shutdown()
      guard case .error = first.result else {
        Issue.record("expected the handler's error, got \(first.result)")
        return
      }
      #expect(first.faults == [1: .error(status: 429)])
      #expect(!second.coldStart && coldStarts == 1)
      guard case .response = second.result else {
        Issue.record("expected the retry to answer, got \(second.result)")
        return
      }
      #expect(second.faults.isEmpty)
      #expect(CallFaultTests.bodies(second) == [#"{"to": "ada@example.com", "requestId": "req-1"}"#])
    }
  }
}
