/// What a real program tells besides its calls: the lines it printed, as `log` effects at their
/// measured times, and its measured REPORT (init and invoke durations), beside the attempt.
extension SimulationRun {
  func record(_ note: ExternalNote, of x: ExecutionState, start: Milliseconds) {
    switch note {
    case .log(let offset, let text):
      // Stamped as a call is: at its measured offset, never before an earlier effect and never
      // past an event the simulator has yet to handle.
      advance(toMeasured: start + offset)
      addEffect(x, step: Self.externalLogStep, target: "logs", kind: .log, key: "", detail: text)
    case .report(let durationMs, let initDurationMs):
      // Lambda's REPORT: `Billed Duration` is ceil(init + invoke) since 2025-08-01
      // (lambda-semantics.md §4); the memory is what the process is told
      // (AWS_LAMBDA_FUNCTION_MEMORY_SIZE, 128 MB).
      let billed = Int((durationMs + (initDurationMs ?? 0)).rounded(.up))
      trace.attemptReports[x.attemptIndex] = AttemptReport(
        durationMs: durationMs, billedDurationMs: billed, initDurationMs: initDurationMs,
        memorySizeMB: 128)
    }
  }

  /// The step a program's printed lines are attributed to: `stdout` (stderr shares the pipe).
  static var externalLogStep: CompiledStep {
    CompiledStep(
      step: Step(name: "stdout", action: .compute), path: "stdout", pathID: 0, then: [], otherwise: [])
  }
}
