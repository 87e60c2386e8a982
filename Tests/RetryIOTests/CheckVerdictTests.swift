import RetryCore
import Testing

@testable import RetryIO

@Suite struct CheckVerdictProbe {
  @Test(arguments: BuiltinScenarios.talkTour)
  func probe(_ name: String) throws {
    let scenario = try BuiltinScenarios.load(named: name)
    let clock = ContinuousClock()
    let start = clock.now
    let report = IdempotenceChecker(scenario: scenario, options: .init(maxFaults: 1, maxDuplicates: 1)).check()
    let took = start.duration(to: clock.now)
    print("PROBE \(name): \(report.verdict) | runs \(report.schedulesRun) repeats \(report.repeats) states \(report.distinctStates) refs \(report.references) lost \(report.lostEventRuns) | \(took) | " + report.failures.map { "\($0.rawValue): \(report.counterexamples[$0]!.schedule)" }.joined(separator: " // "))
  }
}
