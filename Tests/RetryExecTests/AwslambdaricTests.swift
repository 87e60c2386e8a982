import Foundation
import RetryCore
import Testing

@testable import RetryExec

/// `client: awslambdaric`: AWS's Python runtime interface client (PyPI) runs the handler, through
/// our launcher that installs the simulated clock first. Needs `python3 -m pip install
/// awslambdaric` (.ci/run installs it).
@Suite(.serialized) struct AwslambdaricTests {
  static func spec(_ handler: String, code: String) -> HandlerSpec {
    HandlerSpec(runtime: .python, handler: handler, codePath: code, client: .awslambdaric)
  }

  /// The clock test of our own runtime, with awslambdaric: its next-invocation call is wrapped,
  /// so each execution reads its simulated delivery, and its context counts down from the deadline.
  @Test func awslambdaricSeesTheSimulatedClockAcrossAnAsyncRetry() async throws {
    try await PythonRuntimeTests.withCode(SimulatedClockTests.python) { code in
      let (trace, seen) = await SimulatedClockTests.run(Self.spec("app.handler", code: code), marker: code + "/failed-once")
      try SimulatedClockTests.expectSimulated(trace, seen, clockKeys: ["time", "timeNs", "datetimeNow", "utcnow"])
      // awslambdaric's own error shape for the first execution's exception.
      #expect(trace.attempts[0].errorType == "RuntimeError")
      #expect(trace.attempts[0].errorMessage == "fail once")
    }
  }

  /// A module in a folder, as awslambdaric loads it (`pkg/module.handler`), warm on the second run;
  /// what it prints is the execution's log.
  @Test func awslambdaricRunsAHandlerInAFolderWarmAfterItsColdStart() async throws {
    let folder = NSTemporaryDirectory() + "retryscope-ric-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder + "/pkg", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try "import os\ndef handler(event, context):\n    print('hello from', context.function_name)\n    return {'pid': os.getpid(), 'email': event['email']}\n"
      .write(toFile: folder + "/pkg/module.py", atomically: true, encoding: .utf8)
    try await withTaskExecutorPreference(ExecTaskExecutor.shared) {
      let host = ProcessHost(spec: Self.spec("pkg/module.handler", code: folder), endpoints: [])
      let first = try await host.execute(PythonRuntimeTests.invocation("req-1"))
      let second = try await host.execute(PythonRuntimeTests.invocation("req-2"))
      await host.shutdown()
      guard case .response(let one) = first.result, case .response(let two) = second.result else {
        Issue.record("expected two responses, got \(first.result) and \(second.result)")
        return
      }
      let a = try PythonRuntimeTests.json(one)
      #expect(a["email"] as? String == "ada@example.com")
      #expect(try PythonRuntimeTests.json(two)["pid"] as? Int == a["pid"] as? Int)
      #expect(first.coldStart && !second.coldStart)
      #expect(first.log.map(\.text).contains("hello from handler"))
    }
  }
}
