import Foundation
import RetryCore
import Synchronization
import Testing

@testable import RetryExec

/// What a handler process prints belongs to the execution that printed it: `log` effects in the
/// trace, in order with its calls, bounded; and each execution's measured REPORT (init duration).
@Suite(.serialized) struct FunctionLogTests {
  static let printing = """
    import json, os, sys, urllib.request
    print("loading the module")

    def handler(event, context):
        print("sending the mail to", event["email"])
        request = urllib.request.Request(os.environ["RETRYSCOPE_ENDPOINT_WELCOME_EMAIL"], data=b'{}', method="POST")
        urllib.request.urlopen(request).read()
        sys.stderr.write("mail sent\\r\\n")
        print("no newline at the end", end="")
        if event.get("fail"):
            raise ValueError("fail")
        return "ok"
    """

  static func scenario(_ payload: Value) -> Scenario {
    var scenario = Scenario(
      name: "log-exec", seed: 5, tables: [],
      endpoints: [EndpointDefinition(name: "welcome-email", url: "https://mail.example/send")],
      handler: Handler(steps: []),
      invocations: [
        InvocationDefinition(id: "A", type: .requestResponse, payload: payload),
        InvocationDefinition(id: "B", type: .requestResponse, at: 5_000, payload: payload),
      ],
      faults: [])
    scenario.function.timeout = 30_000
    return scenario
  }

  @Test func printedLinesAreLogEffectsOfTheirExecutionInOrderWithItsCalls() async throws {
    try await PythonRuntimeTests.withCode(Self.printing) { code in
      let scenario = Self.scenario(["email": "ada@example.com"])
      let program = ProcessHandler(
        spec: HandlerSpec(runtime: .python, handler: "app.handler", codePath: code), endpoints: ["welcome-email"])
      let trace = await program.run { Simulator(scenario: scenario).run(external: program) }

      let executions = trace.attempts
      #expect(executions.map(\.outcome) == [.success, .success])
      let a = trace.effects.filter { $0.actor == "A#1" }
      // The init phase's line belongs to the cold start's execution; the warm one has none.
      #expect(a.map(\.kind) == [.log, .log, .post, .log, .log])
      #expect(
        a.compactMap { $0.kind == .log ? $0.detail : nil } == [
          "loading the module", "sending the mail to ada@example.com", "mail sent", "no newline at the end",
        ])
      #expect(a.filter { $0.kind == .log }.allSatisfy { $0.target == "logs" && $0.step == "stdout" })
      let b = trace.effects.filter { $0.actor == "B#1" }
      #expect(b.compactMap { $0.kind == .log ? $0.detail : nil } == ["sending the mail to ada@example.com", "mail sent", "no newline at the end"])
      // Times follow the execution, never back.
      #expect(trace.effects.map(\.time) == trace.effects.map(\.time).sorted())
      for effect in trace.effects {
        let execution = try #require(executions.first { $0.label == effect.actor })
        #expect(effect.time >= execution.start && effect.time <= execution.end)
      }
      // Log lines change nothing: no duplicates among them.
      #expect(trace.effects.filter { $0.kind == .log }.allSatisfy { $0.duplicateOf == nil })
    }
  }

  /// The measured REPORT: the cold start has an init duration, the warm start none, and the
  /// invoke duration does not count the init.
  @Test func eachExecutionsReportHasItsMeasuredInitDuration() async throws {
    try await PythonRuntimeTests.withCode("import time\ntime.sleep(0.3)\ndef handler(event, context):\n    return 1\n") { code in
      let scenario = Self.scenario(["email": "ada@example.com"])
      let program = ProcessHandler(
        spec: HandlerSpec(runtime: .python, handler: "app.handler", codePath: code), endpoints: [])
      let trace = await program.run { Simulator(scenario: scenario).run(external: program) }
      let cold = try #require(trace.attemptReports[0])
      let warm = try #require(trace.attemptReports[1])
      // The module sleeps 300 ms while it loads: the init phase, not the invoke.
      let initDuration = try #require(cold.initDurationMs)
      #expect(initDuration >= 300)
      #expect(cold.durationMs.map { $0 < 300 } == true)
      #expect(warm.initDurationMs == nil)
      #expect(cold.billedDurationMs == Int((cold.durationMs! + initDuration).rounded(.up)))
      #expect(cold.memorySizeMB == 128)
      // The attempt's own duration is the invoke's (+ the 2 ms invoke overhead), not the init's.
      #expect(trace.attempts[0].duration == 2 + Int(cold.durationMs!))
    }
  }

  /// A handler that prints without end keeps at most 1,000 lines and 64 KiB per execution, each
  /// line at most 8 KiB, and one more line says what was left out.
  @Test func aHandlerThatPrintsWithoutEndIsBounded() async throws {
    let source = """
      import sys
      def handler(event, context):
          sys.stdout.write("y" * 20000 + "\\n")
          for i in range(200000):
              sys.stdout.write("line %d\\n" % i)
          return "done"
      """
    try await PythonRuntimeTests.withCode(source) { code in
      let host = ProcessHost(
        spec: HandlerSpec(runtime: .python, handler: "app.handler", codePath: code), endpoints: [])
      let report = try await host.execute(PythonRuntimeTests.invocation("req-1"))
      await host.shutdown()
      #expect(report.result == .response(Array(#""done""#.utf8)))
      #expect(report.log.first?.text == String(repeating: "y", count: 8 * 1024) + "…")
      let kept = report.log.dropLast()
      #expect(kept.count == 1_000)
      #expect(kept.reduce(0) { $0 + $1.text.utf8.count } <= 64 * 1024 + 3)
      #expect(kept.last?.text == "line 998")
      #expect(
        report.log.last?.text
          == "[RetryScope] 199001 more lines (2081008 bytes) of this execution's log were not recorded: at most 1000 lines and 64 KiB per execution")
    }
  }

  /// The log itself, fed by hand: what the init phase printed before the first execution began
  /// is that execution's; what is printed between two executions is nobody's.
  @Test func initLinesGoToTheFirstExecutionAndLinesBetweenExecutionsToNone() throws {
    let pipe = Pipe()
    let path = NSTemporaryDirectory() + "retryscope-function-log-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: path) }
    FileManager.default.createFile(atPath: path, contents: nil)
    let file = try #require(FileHandle(forWritingAtPath: path))
    let received = Locked<[String]>([])
    let log = FunctionLog(pipe: pipe, file: file) { line, requestId in received.withLock { $0.append("\(requestId): \(line.text)") } }
    let writer = pipe.fileHandleForWriting
    try writer.write(contentsOf: Array("loading\n".utf8))
    log.begin("r1")
    try writer.write(contentsOf: Array("handling r1\npartial".utf8))
    let first = log.finish(endedAt: .now)
    try writer.write(contentsOf: Array("between\n".utf8))
    log.begin("r2")
    try writer.write(contentsOf: Array("handling r2\n".utf8))
    let second = log.finish(endedAt: .now)
    log.close()
    #expect(first.map(\.text) == ["loading", "handling r1", "partial"])
    #expect(second.map(\.text) == ["handling r2"])
    #expect(received.withLock { $0 } == ["r1: loading", "r1: handling r1", "r1: partial", "r2: handling r2"])
    // The log file keeps everything, in order.
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "loading\nhandling r1\npartialbetween\nhandling r2\n")
  }

  @Test func aNodeHandlersConsoleLinesAreItsLog() async throws {
    let source = """
      console.log("init");
      export const handler = async (event) => {
        console.log("handling", event.email);
        console.error("to stderr");
        return "ok";
      };
      """
    try await NodeRuntimeTests.withFiles(["index.mjs": source]) { code in
      let host = ProcessHost(spec: HandlerSpec(runtime: .nodejs, handler: "index.handler", codePath: code), endpoints: [])
      let first = try await host.execute(PythonRuntimeTests.invocation("req-1"))
      let second = try await host.execute(PythonRuntimeTests.invocation("req-2"))
      await host.shutdown()
      #expect(first.log.map(\.text) == ["init", "handling ada@example.com", "to stderr"])
      #expect(first.log[0].offset == .zero)
      #expect(second.log.map(\.text) == ["handling ada@example.com", "to stderr"])
      #expect(first.coldStart && first.initDuration != nil)
      #expect(!second.coldStart && second.initDuration == nil)
    }
  }
}
