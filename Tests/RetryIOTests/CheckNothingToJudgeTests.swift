@testable import RetryCore
import Testing

@testable import RetryIO

/// Runs in which an event never succeeds are set apart as "lost", not judged. When that leaves
/// no run judged, the checker has compared nothing with an exactly-once result: it must not say
/// idempotent. A handler that always runs past its timeout, or always throws, used to be
/// "idempotent" (exit 0) after thousands of runs, every one set apart, with three invoices or
/// three charges in its own exactly-once run.
@Suite struct CheckNothingToJudgeTests {
  /// Inserts an invoice with a new id, then works past the function timeout: every execution
  /// adds an invoice, and the event goes to nowhere after Lambda's two retries.
  static let alwaysTimesOut = """
    name: always-times-out
    title: "A handler slower than its function timeout"
    seed: 1
    function:
      functionName: slow
      timeout: 3
    tables:
      - name: invoices
        partitionKey: id
    handler:
      - uuid: id
      - name: insert-invoice
        put:
          table: invoices
          item: {id: "${id}"}
      - name: work
        compute: 5s
    invocations:
      - {id: A, type: Event, payload: {order: o-1}}
    """

  /// Charges, then throws: the message is received three times and moved to the DLQ.
  static let alwaysFails = """
    name: always-fails
    title: "A queue handler that always throws"
    seed: 1
    function:
      functionName: charge
    eventSource:
      type: sqs
      batchSize: 1
      queue:
        name: orders
        visibilityTimeout: 30s
        maxReceiveCount: 3
        deadLetterQueue: orders-dlq
    endpoints:
      - name: payments
        url: https://pay.example/charge
    handler:
      - name: charge
        post:
          endpoint: payments
          body: {order: "${record.body.order}"}
      - name: fail
        throw: {errorType: Declined, message: "card declined"}
    records:
      - {id: m1, at: 0s, data: {order: o-42}}
    """

  /// The exactly-once run itself loses the event: nothing has a result to compare with, so no
  /// search is run (it would set every run apart), and the verdict says why, exit 4.
  @Test(arguments: [(alwaysTimesOut, "A", 3), (alwaysFails, "m1", 3)])
  func aHandlerThatNeverSucceedsHasNothingToJudge(_ yaml: String, _ event: String, _ executions: Int) throws {
    let scenario = try ScenarioLoader.load(yaml: yaml, file: "x.yaml")
    let report = IdempotenceChecker(scenario: scenario).check()
    #expect(report.result == .nothingToJudge)
    #expect(!report.isIdempotent && report.isInconclusive && !report.isExhaustive)
    #expect(report.exitCode == 4)
    #expect(report.verdict == "nothing to judge: the exactly-once run itself loses its event (\(event)), so no run has a result to compare with")
    #expect(report.referenceLostEvents == [event])
    #expect(report.judgedRuns == 0 && report.lostEventRuns == 0)
    #expect(report.schedulesRun == 1)
    #expect(report.mode == "no search: it needs an exactly-once run in which an event succeeds")
    let reference = try #require(report.lostReference)
    #expect(reference.attempts.filter { $0.outcome != .success }.count == executions)
    #expect(reference.attempts.count == executions)

    let text = CheckReportText.text(report)
    #expect(text.hasPrefix("""
      check \(scenario.name): nothing to judge: the exactly-once run itself loses its event (\(event)), so no run has a result to compare with
      explored: no search: it needs an exactly-once run in which an event succeeds (1 schedule run)
      lost events: the exactly-once run (no fault) never succeeds on \(event): make it succeed, then check again

      the exactly-once run, which loses \(event):
        Timeline (waits folded to their length; times from the first invoke)

      """))
    #expect(!text.contains(": idempotent"))
    let json = CheckReportText.json(report)
    #expect(json.hasPrefix(
      #"{"scenario":"\#(scenario.name)","idempotent":null,"verdict":[],"mode":"none","exhaustive":false,"result":"nothing-to-judge","#))
    #expect(json.contains(#""lostEventRuns":0,"judgedRuns":0,"#))
    #expect(json.contains(#""referenceLostEvents":["\#(event)"]"#))
  }

  /// A RequestResponse echo without client retries: every fault makes the caller get an error
  /// (a lost event the reference did not lose), and no run is left to judge. It said
  /// "idempotent" after judging none.
  static let syncEcho = """
    name: sync-echo
    title: "Output = input, invoked synchronously"
    seed: 1
    function:
      functionName: echo
    handler:
      - name: respond
        return: {b: "${event.a}"}
    invocations:
      - {id: A, type: RequestResponse, payload: {a: 7}}
    """

  @Test func everyRunSetApartIsNothingToJudge() throws {
    let scenario = try ScenarioLoader.load(yaml: Self.syncEcho, file: "sync-echo.yaml")
    let report = IdempotenceChecker(scenario: scenario, options: .init(maxDuplicates: 0)).check()
    #expect(report.isExhaustive)
    #expect(report.referenceLostEvents.isEmpty && report.lostReference == nil)
    #expect(report.judgedRuns == 0)
    #expect(report.lostEventRuns > 0)
    #expect(report.verdict == "nothing to judge: every run but the exactly-once one lost an event")
    #expect(report.exitCode == 4 && !report.isIdempotent)
    // The runs that lost an event are still shown apart.
    #expect(CheckReportText.text(report).contains("\nlost events: \(report.lostEventRuns) runs lost an event (smallest: A#1 "))

    let bounded = IdempotenceChecker(scenario: scenario, options: .init(maxDuplicates: 0, maxSchedules: 3)).check()
    #expect(bounded.verdict == "nothing to judge: every run but the exactly-once one lost an event in 3 schedules (not exhaustive)")
    #expect(bounded.exitCode == 4)

    let sampled = IdempotenceChecker(scenario: scenario, options: .init(maxDuplicates: 0, samples: 4)).check()
    #expect(sampled.verdict == "nothing to judge: every run but the exactly-once one lost an event in 4 random schedules (not exhaustive)")
    #expect(sampled.exitCode == 4)

    // With client retries a retry succeeds: those runs are judged, and it is idempotent.
    let retried = IdempotenceChecker(scenario: scenario).check()
    #expect(retried.judgedRuns > 0)
    #expect(retried.verdict == "idempotent" && retried.exitCode == 0)
  }

  /// sync-error's handler always throws: its one event is lost in the exactly-once run, so
  /// nothing is judged. It said "idempotent", every one of its 135 runs that ran set apart.
  @Test func syncErrorHasNothingToJudge() throws {
    let report = IdempotenceChecker(scenario: try BuiltinScenarios.load(named: "sync-error")).check()
    #expect(report.verdict == "nothing to judge: the exactly-once run itself loses its event (A), so no run has a result to compare with")
    #expect(report.exitCode == 4)
  }

  /// An event the exactly-once run loses as well (status-previous-no: Bob's update, whose
  /// predecessor never comes) is lost in every run: it does not set a run apart, and the runs
  /// are judged on what they leave. Every run was set apart, and "idempotent" rested on none.
  @Test func anEventTheReferenceLosesTooDoesNotSetARunApart() throws {
    let report = IdempotenceChecker(
      scenario: try BuiltinScenarios.load(named: "status-previous-no"), options: .init(maxFaults: 1)
    ).check()
    #expect(report.referenceLostEvents == ["b1"])
    #expect(report.lostReference == nil)
    #expect(report.judgedRuns > 0)
    #expect(report.references == 2)
    #expect(CheckReportText.text(report).contains(
      "\nlost by the exactly-once run too: b1 (it never succeeds on it; runs are compared on what they leave, and set apart only for losing another event)\n"))
    #expect(CheckReportText.json(report).contains(#""referenceLostEvents":["b1"]"#))
  }

  /// Bounds that allow no change leave only the exactly-once run: nothing was compared.
  @Test func boundsThatAllowNoRunButTheReferenceJudgeNothing() throws {
    let report = IdempotenceChecker(
      scenario: try BuiltinScenarios.load(named: "echo"), options: .init(maxFaults: 0, maxDuplicates: 0)
    ).check()
    #expect(report.schedulesRun == 1)
    #expect(report.verdict == "nothing to judge: no run within the bounds but the exactly-once one")
    #expect(report.exitCode == 4)
  }

  /// Every run that is neither the reference, a repeat nor a lost event is judged.
  @Test(arguments: ["echo", "async-retries-dlq"])
  func judgedRunsAreTheRunsComparedWithTheReference(_ name: String) throws {
    let report = IdempotenceChecker(scenario: try BuiltinScenarios.load(named: name), options: .init(maxFaults: 1)).check()
    #expect(report.references == 1)
    #expect(report.judgedRuns == report.schedulesRun - 1 - report.repeats - report.lostEventRuns)
    #expect(report.judgedRuns > 0)
  }
}
