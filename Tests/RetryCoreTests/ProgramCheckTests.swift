import Testing

@testable import RetryCore

/// `IdempotenceChecker` on a program (`external:`): its fault points are the calls each
/// execution made, each with the five faults RetryExec's server strikes. A fake program here
/// obeys the faults as the server makes a real process live them, so that the search's shape is
/// checked exactly, without processes (RetryScopeCLITests' `CheckProgramTests` runs real ones).
@Suite struct ProgramCheckTests {
  /// POSTs each of `bodies` to `hook` in turn, living each fault as a real process does: killed
  /// or held before the service sees the call, or after it did it; an error reply fails it.
  final class FaultObeyingProgram: ExternalHandler, @unchecked Sendable {
    let bodies: [Value]
    /// How many simulations began (`startRun`).
    var runs = 0
    /// The faults each execution was handed.
    var faultsSeen: [[Int: ExternalFault]] = []
    /// Its executions take a little longer in every run, as measured ones do.
    let drifts: Bool

    init(posts bodies: [Value], drifts: Bool = false) {
      self.bodies = bodies
      self.drifts = drifts
    }

    func startRun() { runs += 1 }

    func execute(_ execution: ExternalExecution, serve: (ExternalCall) -> ExternalReply) -> ExternalOutcome {
      faultsSeen.append(execution.faults)
      let drift = drifts ? runs : 0
      let killed = "RequestId: \(execution.requestId) Error: Runtime exited with error: signal: killed"
      for (index, body) in bodies.enumerated() {
        let number = index + 1
        let offset = 10 * number + drift
        let call = ExternalCall(offset: offset, endpoint: "hook", body: body)
        switch execution.faults[number] {
        case .crashBeforeCall?: return .crash(message: killed, duration: offset)
        case .holdBeforeCall?: return .timeout
        case .errorReply(let status)?: return .error(type: "HTTPError", message: "HTTP Error \(status)", duration: offset)
        case .crashAfterCall?:
          _ = serve(call)
          return .crash(message: killed, duration: offset)
        case .holdAfterCall?:
          _ = serve(call)
          return .timeout
        case nil:
          let reply = serve(call)
          if reply.status != 200 { return .error(type: "HTTPError", message: "HTTP Error \(reply.status)", duration: offset) }
        }
      }
      return .success(response: ["sent": .int(bodies.count)], duration: 10 * bodies.count + 5 + drift)
    }
  }

  static func check(_ program: FaultObeyingProgram, maxFaults: Int, maxDuplicates: Int) -> CheckReport {
    IdempotenceChecker(
      scenario: Build.scenario(.event, steps: []), options: .init(maxFaults: maxFaults, maxDuplicates: maxDuplicates),
      external: program
    ).check()
  }

  @Test func eachCallTakesFiveFaultsAndACrashAfterItIsTheSmallestDuplicate() {
    let program = FaultObeyingProgram(posts: [["mail": "ada"]])
    let report = Self.check(program, maxFaults: 1, maxDuplicates: 0)

    // The reference, then the five faults at A#1's one call.
    #expect(report.schedulesRun == 6)
    #expect(program.runs == 6)
    #expect(report.isExhaustive)
    #expect(report.faultsAtCalls)
    #expect(report.result == .notIdempotent)
    #expect(report.failures == [.duplicateEffects])
    #expect(report.counterexamples[.duplicateEffects]?.schedule.description == "A#1 crash after call 1")
    // A crash or a timeout after the call: the retry posts again. Before it, or an error reply: once.
    #expect(report.failingRuns == 2)
    #expect(report.judgedRuns == 5)
    #expect(report.repeats == 0)
    let struck = program.faultsSeen.compactMap { $0[1] }
    #expect(struck == [.errorReply(status: 500), .holdBeforeCall, .holdAfterCall, .crashBeforeCall, .crashAfterCall])
    #expect(program.faultsSeen.allSatisfy { $0.keys.allSatisfy { $0 == 1 } })
  }

  /// How many calls each execution made is what the run tells: two calls, ten faults.
  @Test func theFaultPointsAreTheCallsEachExecutionMade() {
    let program = FaultObeyingProgram(posts: [["mail": "ada"], ["crm": "ada"]])
    let report = Self.check(program, maxFaults: 1, maxDuplicates: 0)
    #expect(report.schedulesRun == 1 + 10)
    #expect(Set(program.faultsSeen.flatMap(\.keys)) == [1, 2])
    #expect(report.counterexamples[.duplicateEffects]?.schedule.description == "A#1 crash after call 1")
    // An error reply to the CRM call: the mail went out, the retry sends it again.
    let descriptions = report.failures.map { report.counterexamples[$0]!.schedule.description }
    #expect(descriptions == ["A#1 crash after call 1"])
  }

  /// Two faults: each of the five on A#1 makes a retry, A#2, whose one call takes five more.
  @Test func aSecondFaultGoesOnTheRetry() {
    let program = FaultObeyingProgram(posts: [["mail": "ada"]])
    let report = Self.check(program, maxFaults: 2, maxDuplicates: 0)
    #expect(report.schedulesRun == 1 + 5 + 25)
    #expect(report.isExhaustive)
    #expect(report.counterexamples[.duplicateEffects]?.schedule.description == "A#1 crash after call 1")
  }

  /// A program that makes no call has no fault point; a duplicate delivery runs it twice, and
  /// a pure function answers alike: idempotent, exhaustively.
  @Test func aProgramWithoutCallsIsJudgedOnDuplicateDeliveries() {
    let none = Self.check(FaultObeyingProgram(posts: []), maxFaults: 2, maxDuplicates: 0)
    #expect(none.schedulesRun == 1)
    #expect(none.result == .nothingToJudge)
    let program = FaultObeyingProgram(posts: [])
    let report = Self.check(program, maxFaults: 2, maxDuplicates: 1)
    #expect(report.result == .idempotent)
    #expect(report.judgedRuns > 0)
    #expect(program.runs == report.schedulesRun)
  }

  /// Measured durations differ in every run: runs that end alike are still one run to the
  /// search (its times are left out of what it compares), as a handler of steps' are.
  @Test func runsThatDifferOnlyInMeasuredTimesRepeatEachOther() {
    let program = FaultObeyingProgram(posts: [["mail": "ada"]], drifts: true)
    let report = Self.check(program, maxFaults: 0, maxDuplicates: 1)
    // Every duplicate delivery posts the mail once more: one new run, the rest repeats.
    #expect(report.schedulesRun > 2)
    #expect(report.repeats == report.schedulesRun - 2)
    #expect(report.failures == [.duplicateEffects])
  }

  /// A handler of steps keeps its faults before steps, as they always were.
  @Test func aHandlerOfStepsKeepsItsFaultsBeforeSteps() {
    let report = IdempotenceChecker(scenario: Build.scenario(.event), options: .init(maxFaults: 1, maxDuplicates: 0)).check()
    #expect(!report.faultsAtCalls)
    #expect(report.counterexamples[.duplicateEffects] == nil)
    let schedule = CheckSchedule(faults: [.init(unit: "A", attempt: 1, step: 2, kind: .crash)])
    #expect(schedule.description == "A#1 crash before step 2")
    let atCalls = CheckSchedule(faults: [
      .init(unit: "A", attempt: 1, step: 1, kind: .error, place: .beforeCall),
      .init(unit: "A", attempt: 2, step: 2, kind: .timeout, place: .afterCall),
    ])
    #expect(atCalls.description == "A#1 error reply (HTTP 500) to call 1; A#2 timeout after call 2")
    let faults = atCalls.apply(to: Build.scenario(.event, steps: [])).faults
    #expect(faults.map(\.point) == [.before("call 1"), .after("call 2")])
    #expect(faults.compactMap(ExternalFault.init) == [.errorReply(status: 500), .holdAfterCall])
  }
}
