import ArgumentParser
import HeapModule
import RetryCore
import RetryIO
import RetryTUI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `retryscope bench`: simulator throughput on a synthetic Event workload, with a baseline
/// measured in the same run so that the figure means something on any machine.
struct BenchCommand: TextCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Measure simulator throughput on a synthetic Event workload (build with -c release).",
    discussion: """
      Simulates N Event invocations (one every \(BenchmarkWorkload.spacing) ms) of a handler that writes one item \
      and fails with probability P, with Lambda's default retries and a DLQ. Reports invocations per second, \
      peak memory, and the ratio to a bare event loop (a heap of the same number of events) timed in the same run.
      Then renders frames of the terminal UI for a trace of --render-invocations invocations at --render-size, \
      stepping the playhead across it, against the floor of filling and diffing a blank grid of that size.
      The stream figure simulates --stream-records Kinesis records (one every \(BenchmarkWorkload.streamSpacing) ms, \
      partition keys user-0 ... user-999) over --shards shards, batches of up to \(BenchmarkWorkload.streamBatchSize), \
      a handler that writes one item per record and fails so that a full batch fails with probability P, \
      2 retries a batch, then an on-failure destination. It reports records per second against the same bare \
      event loop over its own number of events.
      Benchmarks/run.sh also runs the SimPy model of the same workload and reports the ratio.
      """)

  @Option(help: "How many Event invocations to simulate.")
  var invocations = 1_000_000

  @Option(help: "Probability that an attempt fails (0-1).")
  var failureProbability = 0.1

  @Option(help: "The seed.")
  var seed: UInt64 = 1

  @Option(help: "How many Kinesis records the stream figure simulates.")
  var streamRecords = 1_000_000

  @Option(help: "Shards of the stream figure.")
  var shards = 4

  @Option(help: "Invocations in the trace the render figure draws.")
  var renderInvocations = 10_000

  @Option(help: "Frames the render figure draws.")
  var renderFrames = 1_000

  @Option(help: "Screen size of the render figure, WIDTHxHEIGHT.")
  var renderSize = "200x60"

  @Option(help: "Size in MB of the filter-log-events file the import figure generates and imports (0 skips it).")
  var importMegabytes = 512

  @Option(help: "Where the import figure writes its file (deleted afterwards); default: $TMPDIR or /tmp.")
  var importDirectory: String?

  @Option(help: "The import figure's file: generated there if it does not exist, and kept (any log file: jq then reads it as JSON pages).")
  var importFile: String?

  @Flag(help: "Skip the check figure (retryscope check over every built-in scenario).")
  var noCheck = false

  @Option(help: "Faults per schedule in the check figure (retryscope check's default: 2).")
  var checkMaxFaults = 2

  @Flag(help: "Print one line of JSON instead of text.")
  var json = false

  init() {}

  func validate() throws {
    guard invocations >= 1 else { throw ValidationError("--invocations must be at least 1") }
    guard (0...1).contains(failureProbability) else {
      throw ValidationError("--failure-probability must be between 0 and 1")
    }
    guard streamRecords >= 1 else { throw ValidationError("--stream-records must be at least 1") }
    guard shards >= 1 else { throw ValidationError("--shards must be at least 1") }
    guard renderInvocations >= 1 else { throw ValidationError("--render-invocations must be at least 1") }
    guard renderFrames >= 1 else { throw ValidationError("--render-frames must be at least 1") }
    guard importMegabytes >= 0 else { throw ValidationError("--import-megabytes must be 0 or more") }
    guard checkMaxFaults >= 0 else { throw ValidationError("--check-max-faults must be 0 or more") }
    guard Size(parsing: renderSize) != nil else {
      throw ValidationError("--render-size: expected WIDTHxHEIGHT such as 200x60, got '\(renderSize)'")
    }
    if case .failure(let error) = FrameLayout.size(parsing: renderSize) {
      throw ValidationError("--render-size: " + error.message)
    }
  }

  func output() throws(CLIError) -> String {
    // The stream figure first, its trace freed before the async run: the peak resident set can
    // only grow, so the smaller workload measured first reports its own peak.
    let stream = streamFigure()
    let build = ContinuousClock()
    let buildStart = build.now
    let scenario = BenchmarkWorkload.scenario(invocations: invocations, failureProbability: failureProbability, seed: seed)
    let setup = buildStart.duration(to: build.now)

    let clock = ContinuousClock()
    let start = clock.now
    let trace = Simulator(scenario: scenario).run()
    let elapsed = start.duration(to: clock.now).seconds

    // The baseline: the same number of events pushed through a bare heap of (time, sequence).
    let baselineEvents = trace.events.count
    let baselineStart = clock.now
    let checksum = Self.bareEventLoop(events: baselineEvents)
    let baseline = baselineStart.duration(to: clock.now).seconds

    let executions = trace.attempts.count
    let dlq = trace.outcomes.filter { $0.kind == .deadLetterQueue }.count
    let rate = Double(invocations) / max(elapsed, 1e-9)
    let peak = Self.peakMemoryBytes()
    let render = RenderBenchmark(
      invocations: renderInvocations, frames: renderFrames, size: Size(parsing: renderSize)!,
      failureProbability: failureProbability, seed: seed
    ).run()
    let checkFigure = noCheck ? nil : Self.checkFigure(maxFaults: checkMaxFaults)
    // Last: it writes and reads a file of hundreds of MB, and samples its own memory.
    let importFigure: ImportBenchmark.Result? =
      importMegabytes == 0
      ? nil
      : try ImportBenchmark(
        megabytes: importMegabytes, failureProbability: failureProbability, seed: seed,
        directory: importDirectory ?? Self.temporaryDirectory(), file: importFile
      ).run()
    if json {
      return """
        {"invocations":\(invocations),"failureProbability":\(failureProbability),"seed":\(seed),"executions":\(executions),\
        "dlq":\(dlq),"events":\(trace.events.count),"seconds":\(Self.fixed(elapsed, 3)),"invocationsPerSecond":\(Int(rate)),\
        "peakMemoryBytes":\(peak),"baselineSeconds":\(Self.fixed(baseline, 3)),"ratioToBaseline":\(Self.fixed(elapsed / max(baseline, 1e-9), 2)),\
        "setupSeconds":\(Self.fixed(setup.seconds, 3)),"checksum":\(checksum),\
        "render":{"invocations":\(renderInvocations),"events":\(render.events),"size":"\(renderSize)","frames":\(renderFrames),\
        "millisecondsPerFrame":\(Self.fixed(render.millisecondsPerFrame, 3)),"framesPerSecond":\(Int(render.framesPerSecond)),\
        "baselineMillisecondsPerFrame":\(Self.fixed(render.baselineMillisecondsPerFrame, 3)),\
        "ratioToBaseline":\(Self.fixed(render.ratioToBaseline, 2)),"setupSeconds":\(Self.fixed(render.setupSeconds, 3)),\
        "checksum":\(render.checksum)},\
        "stream":{"records":\(streamRecords),"shards":\(shards),"recordFailureProbability":\(stream.recordFailureProbability),\
        "batches":\(stream.batches),"retries":\(stream.retries),"discardedBatches":\(stream.discarded),\
        "discardedRecords":\(stream.discardedRecords),"events":\(stream.events),"seconds":\(Self.fixed(stream.seconds, 3)),\
        "recordsPerSecond":\(Int(stream.recordsPerSecond)),"ratioToInvocationsPerSecond":\(Self.fixed(stream.recordsPerSecond / max(rate, 1e-9), 2)),\
        "peakMemoryBytes":\(stream.peakMemory),"baselineSeconds":\(Self.fixed(stream.baselineSeconds, 3)),\
        "ratioToBaseline":\(Self.fixed(stream.seconds / max(stream.baselineSeconds, 1e-9), 2)),\
        "setupSeconds":\(Self.fixed(stream.setupSeconds, 3)),"checksum":\(stream.checksum)}\(Self.importJSON(importFigure))\(Self.checkJSON(checkFigure))}

        """
    }
    return """
      workload     \(invocations) Event invocations, failure probability \(failureProbability), seed \(seed)
      simulated    \(executions) executions, \(dlq) events to the DLQ, \(trace.events.count) trace events, \(trace.effects.count) effects
      time         \(Self.fixed(elapsed, 3)) s (scenario built in \(Self.fixed(setup.seconds, 3)) s, not counted)
      throughput   \(Int(rate)) invocations/s
      peak memory  \(peak / 1_048_576) MiB (whole process, maximum resident set)
      baseline     bare heap event loop over \(baselineEvents) events: \(Self.fixed(baseline, 3)) s; the simulator takes \(Self.fixed(elapsed / max(baseline, 1e-9), 1))x as long

      render       \(renderFrames) frames at \(renderSize) of a \(renderInvocations)-invocation trace (\(render.events) steps): \(Self.fixed(render.millisecondsPerFrame, 3)) ms a frame, \(Int(render.framesPerSecond)) frames/s (target: under 2 ms)
      render setup lanes, ledger and time axis built once in \(Self.fixed(render.setupSeconds, 3)) s, not counted
      render floor fill and diff of a blank \(renderSize) grid: \(Self.fixed(render.baselineMillisecondsPerFrame, 3)) ms a frame; a frame takes \(Self.fixed(render.ratioToBaseline, 1))x as long

      stream       \(streamRecords) Kinesis records over \(shards) shards, batches of up to \(BenchmarkWorkload.streamBatchSize), each record failing with probability \(Self.fixed(stream.recordFailureProbability, 6)) (a full batch: \(failureProbability))
      stream sim   \(stream.batches) batch executions, \(stream.retries) retries, \(stream.discarded) batches (\(stream.discardedRecords) records) discarded to the on-failure destination, \(stream.events) trace events
      stream time  \(Self.fixed(stream.seconds, 3)) s (scenario built in \(Self.fixed(stream.setupSeconds, 3)) s, not counted)
      stream rate  \(Int(stream.recordsPerSecond)) records/s (\(Self.fixed(stream.recordsPerSecond / max(rate, 1e-9), 2))x the invocations/s above)
      stream peak  \(stream.peakMemory / 1_048_576) MiB (whole process, maximum resident set, measured before the async run)
      stream base  bare heap event loop over \(stream.events) events: \(Self.fixed(stream.baselineSeconds, 3)) s; the simulator takes \(Self.fixed(stream.seconds / max(stream.baselineSeconds, 1e-9), 1))x as long
      \(Self.importText(importFigure))\(Self.checkText(checkFigure))
      """
  }

  /// `retryscope check` with its default bounds over every built-in scenario, one after another
  /// on one core: runs (schedules) and distinct final states a second. Target: under 10 s.
  struct CheckFigure {
    var scenarios: Int
    var schedules: Int
    var distinctStates: Int
    var seconds: Double
    var bounded: [String]
    var maxFaults: Int
  }

  static func checkFigure(maxFaults: Int) -> CheckFigure {
    let clock = ContinuousClock()
    var figure = CheckFigure(scenarios: 0, schedules: 0, distinctStates: 0, seconds: 0, bounded: [], maxFaults: maxFaults)
    for name in BuiltinScenarios.talkTour {
      guard let scenario = try? BuiltinScenarios.load(named: name) else { continue }
      let start = clock.now
      let report = IdempotenceChecker(scenario: scenario, options: .init(maxFaults: maxFaults)).check()
      figure.seconds += start.duration(to: clock.now).seconds
      figure.scenarios += 1
      figure.schedules += report.schedulesRun
      figure.distinctStates += report.distinctStates
      if report.stoppedAtBound { figure.bounded.append(name) }
    }
    return figure
  }

  static func checkText(_ figure: CheckFigure?) -> String {
    guard let figure else { return "" }
    let bounded =
      figure.bounded.isEmpty
      ? "every one exhaustive" : "\(figure.bounded.joined(separator: ", ")) stopped at the 50,000-schedule bound"
    let rate = Int(Double(figure.schedules) / max(figure.seconds, 1e-9))
    let states = Int(Double(figure.distinctStates) / max(figure.seconds, 1e-9))
    return "\ncheck        every built-in scenario (\(figure.scenarios)), up to \(figure.maxFaults) fault\(figure.maxFaults == 1 ? "" : "s") and 1 duplicate delivery or client retry: "
      + "\(figure.schedules) schedules, \(figure.distinctStates) distinct final states in \(Self.fixed(figure.seconds, 3)) s "
      + "(target: under 10 s); \(bounded)\ncheck rate   \(rate) schedules/s, \(states) distinct states/s\n"
  }

  static func checkJSON(_ figure: CheckFigure?) -> String {
    guard let figure else { return "" }
    let rate = Int(Double(figure.schedules) / max(figure.seconds, 1e-9))
    let states = Int(Double(figure.distinctStates) / max(figure.seconds, 1e-9))
    return ",\"check\":{\"scenarios\":\(figure.scenarios),\"schedules\":\(figure.schedules),"
      + "\"distinctStates\":\(figure.distinctStates),\"seconds\":\(Self.fixed(figure.seconds, 3)),"
      + "\"schedulesPerSecond\":\(rate),\"statesPerSecond\":\(states)}"
  }

  static func importText(_ figure: ImportBenchmark.Result?) -> String {
    guard let figure else { return "" }
    let megabytes = Self.fixed(Double(figure.bytes) / 1_000_000, 1)
    var text = """

      import       \(megabytes) MB of filter-log-events pages (\(figure.events) log events) generated in \(Self.fixed(figure.generateSeconds, 3)) s, not counted
      import time  retryscope import: \(Self.fixed(figure.seconds, 3)) s = \(Self.fixed(figure.megabytesPerSecond, 1)) MB/s; rebuilt \(figure.executions) executions in \(figure.invocations) invocations, \(figure.duplicates) duplicate effects
      import mem   peak resident set of the import process: \(figure.peakBytes / 1_048_576) MiB (\(figure.executions > 0 ? figure.peakBytes / figure.executions : 0) bytes an execution)

      """
    if let jq = figure.jqSeconds, let rate = figure.jqMegabytesPerSecond, let ratio = figure.ratioToJq {
      let memory = figure.jqPeakBytes.map { ", peak resident set \($0 / 1_048_576) MiB" } ?? ""
      text += "import jq    \(figure.jqNote) -c '.events[]' over the same file: \(Self.fixed(jq, 3)) s = \(Self.fixed(rate, 1)) MB/s\(memory); the import is \(Self.fixed(ratio, 2))x as fast (target: at least 2x)\n"
    } else {
      text += "import jq    \(figure.jqNote)\n"
    }
    return text
  }

  static func importJSON(_ figure: ImportBenchmark.Result?) -> String {
    guard let figure else { return "" }
    let jq = figure.jqSeconds.map { Self.fixed($0, 3) } ?? "null"
    let ratio = figure.ratioToJq.map { Self.fixed($0, 2) } ?? "null"
    return """
      ,"import":{"bytes":\(figure.bytes),"logEvents":\(figure.events),"executions":\(figure.executions),\
      "invocations":\(figure.invocations),"duplicateEffects":\(figure.duplicates),"seconds":\(Self.fixed(figure.seconds, 3)),\
      "megabytesPerSecond":\(Self.fixed(figure.megabytesPerSecond, 1)),"peakBytes":\(figure.peakBytes),\
      "jqPeakBytes":\(figure.jqPeakBytes.map(String.init) ?? "null"),\
      "generateSeconds":\(Self.fixed(figure.generateSeconds, 3)),"jqSeconds":\(jq),"ratioToJq":\(ratio)}
      """
  }

  static func temporaryDirectory() -> String {
    if let value = getenv("TMPDIR"), let text = Optional(String(cString: value)), !text.isEmpty { return text }
    return "/tmp"
  }

  struct StreamFigure {
    var recordFailureProbability: Double
    var batches: Int
    var retries: Int
    var discarded: Int
    var discardedRecords: Int
    var events: Int
    var seconds: Double
    var recordsPerSecond: Double
    var peakMemory: Int
    var baselineSeconds: Double
    var setupSeconds: Double
    var checksum: Int
  }

  /// Runs the stream workload and its baseline; the trace is freed on return.
  func streamFigure() -> StreamFigure {
    let clock = ContinuousClock()
    let buildStart = clock.now
    let scenario = BenchmarkWorkload.streamScenario(
      records: streamRecords, shards: shards, failureProbability: failureProbability, seed: seed)
    let setup = buildStart.duration(to: clock.now).seconds
    let start = clock.now
    let trace = Simulator(scenario: scenario).run()
    let elapsed = start.duration(to: clock.now).seconds
    let peak = Self.peakMemoryBytes()
    let baselineStart = clock.now
    let checksum = Self.bareEventLoop(events: trace.events.count)
    let baseline = baselineStart.duration(to: clock.now).seconds
    let discarded = trace.outcomes.filter { $0.kind == .onFailure }
    return StreamFigure(
      recordFailureProbability: scenario.faults[0].probability, batches: trace.attempts.count,
      retries: trace.events.lazy.filter { $0.kind == .retryScheduled }.count, discarded: discarded.count,
      discardedRecords: discarded.reduce(0) { $0 + $1.records.count }, events: trace.events.count, seconds: elapsed,
      recordsPerSecond: Double(streamRecords) / max(elapsed, 1e-9), peakMemory: peak, baselineSeconds: baseline,
      setupSeconds: setup, checksum: checksum)
  }

  /// Pushes and pops `events` items through a heap, spread like the workload's arrivals.
  static func bareEventLoop(events: Int) -> Int {
    var heap = Heap<Int>()
    var checksum = 0
    var state: UInt64 = 0x9e37_79b9_7f4a_7c15
    for index in 0..<events {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      heap.insert(index * 10 + Int(state >> 54))
      if index % 4 == 3 { checksum &+= heap.popMin() ?? 0 }
    }
    while let value = heap.popMin() { checksum &+= value }
    return checksum
  }

  /// The process's maximum resident set size.
  static func peakMemoryBytes() -> Int {
    var usage = rusage()
    #if os(Linux)
      getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
      getrusage(RUSAGE_SELF, &usage)
    #endif
    #if os(Linux)
      return Int(usage.ru_maxrss) * 1_024  // kilobytes on Linux
    #else
      return Int(usage.ru_maxrss)  // bytes on macOS
    #endif
  }

  static func fixed(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = String(rounded)
    if let dot = text.firstIndex(of: ".") {
      let decimals = text.distance(from: dot, to: text.endIndex) - 1
      if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
    }
    return text
  }
}

extension Duration {
  var seconds: Double {
    let (seconds, attoseconds) = components
    return Double(seconds) + Double(attoseconds) / 1e18
  }
}
