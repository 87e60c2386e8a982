import Testing
@testable import RetryCore

/// `TraceIndex` gives each invocation exactly its own records, in trace order.
@Suite struct TraceIndexTests {
  @Test func groupsRecordsByInvocationInTraceOrder() throws {
    var scenario = Build.scenario(.event, faults: [
      Fault(attempt: 1, point: .before("respond"), kind: .error(type: "Error", message: "boom"))
    ])
    scenario.invocations.append(InvocationDefinition(id: "B", type: .event, at: 500, payload: ["id": "order-2"]))
    let trace = Simulator(scenario: scenario).run()
    let index = TraceIndex(trace)
    for id in ["A", "B"] {
      #expect(index.attempts(of: id) == trace.attempts.filter { $0.invocation == id })
      #expect(index.waits(of: id) == trace.waits.filter { $0.invocation == id })
      #expect(index.outcomes(of: id) == trace.outcomes.filter { $0.invocation == id })
      #expect(index.events(of: id) == trace.events.filter { $0.invocation == id })
      #expect(index.invocation(id)?.id == id)
    }
    #expect(index.attempt("B", 2)?.label == "B#2")
    #expect(index.attempt("B", 3) == nil)
    #expect(index.attempts(of: "C").isEmpty)
    #expect(index.invocation("C") == nil)
  }

  @Test func overlappingFindsTheExecutionsAClientRetryRunsBeside() throws {
    let trace = Simulator(scenario: Build.scenario(.requestResponse, steps: [Build.work(70_000)] + Build.writeThenReturn) {
      $0.function.timeout = 120_000
    }).run()
    let index = TraceIndex(trace)
    let attempts = index.attempts(of: "A")
    #expect(index.overlapping(attempts[0]).isEmpty)
    #expect(index.overlapping(attempts[1]).map(\.number) == [1])
    #expect(index.overlapping(attempts[2]).map(\.number) == [2])
  }
}
