import RetryCore
import RetryIO
import RetryLogs

#if canImport(Glibc)
  import Glibc
#endif

/// The import figure of `retryscope bench`: how fast `retryscope import` reads a large
/// `filter-log-events` JSON file, against `jq -c '.events[]'` over the same file in the same run.
///
/// The file is generated from the benchmark workload's simulated trace by `CloudWatchLogWriter`
/// (the logs its function would have written: START, the event line, an effect line, errors,
/// END, REPORT), in the AWS CLI's indented page format, and deleted afterwards.
struct ImportBenchmark {
  var megabytes: Int
  var failureProbability: Double
  var seed: UInt64
  var directory: String
  /// A file to import instead of a temporary one: generated there if it does not exist, and kept.
  var file: String?

  struct Result {
    var bytes: Int
    var events: Int
    var invocations: Int
    var executions: Int
    var duplicates: Int
    var generateSeconds: Double
    var seconds: Double
    /// Growth of the resident set while importing, sampled as the file is read.
    var peakGrowthBytes: Int
    var jqSeconds: Double?
    var jqNote: String

    var megabytesPerSecond: Double { Double(bytes) / 1_000_000 / max(seconds, 1e-9) }
    var jqMegabytesPerSecond: Double? { jqSeconds.map { Double(bytes) / 1_000_000 / max($0, 1e-9) } }
    var ratioToJq: Double? { jqMegabytesPerSecond.map { megabytesPerSecond / max($0, 1e-9) } }
  }

  /// About 2.3 kB of pages per invocation of the workload (measured): enough invocations for the
  /// requested size, and more if the first file comes out short.
  func run() throws(CLIError) -> Result {
    let path = file ?? directory + "/retryscope-import-bench-\(getpid()).json"
    defer { if file == nil { unlink(path) } }
    let clock = ContinuousClock()
    let generateStart = clock.now
    var written = (bytes: 0, events: 0)
    var existing = stat()
    if file == nil || stat(path, &existing) != 0 {
      var invocations = max(1, megabytes * 1_000_000 / 2_200)
      for _ in 0..<3 {
        written = try generate(invocations: invocations, to: path)
        if written.bytes >= megabytes * 1_000_000 { break }
        invocations = invocations * (megabytes * 1_000_000) / max(written.bytes, 1) + 1_000
      }
    } else {
      written.bytes = Int(existing.st_size)
    }
    let generateSeconds = generateStart.duration(to: clock.now).seconds

    let baseline = Self.residentBytes()
    var peak = baseline
    let start = clock.now
    let importer = LogImporter()
    do {
      let input = try LogInput.open(path: path)
      let sampling = SamplingSource(input: input) { peak = max(peak, Self.residentBytes()) }
      try importer.read(sampling, name: path)
    } catch let error as ImportError {
      throw CLIError("import bench: \(error)")
    } catch {
      throw CLIError("import bench: \(error)")
    }
    let (trace, summary) = importer.finish()
    let seconds = start.duration(to: clock.now).seconds
    peak = max(peak, Self.residentBytes())

    let jq = Self.timeJq(path)
    return Result(
      bytes: written.bytes, events: summary.messages, invocations: trace.invocations.count,
      executions: trace.attempts.count, duplicates: summary.duplicateEffects, generateSeconds: generateSeconds,
      seconds: seconds, peakGrowthBytes: max(0, peak - baseline), jqSeconds: jq.seconds, jqNote: jq.note)
  }

  /// Simulates the workload and writes its logs as pages; the trace is freed on return.
  private func generate(invocations: Int, to path: String) throws(CLIError) -> (bytes: Int, events: Int) {
    let scenario = BenchmarkWorkload.scenario(invocations: invocations, failureProbability: failureProbability, seed: seed)
    let trace = Simulator(scenario: scenario).run()
    guard let file = fopen(path, "wb") else { throw CLIError("import bench: cannot write \(path)") }
    var bytes = 0
    var failed = false
    CloudWatchLogWriter(trace: trace, options: .init(format: .events)).write { chunk in
      guard let base = chunk.baseAddress, !failed else { return }
      if fwrite(base, 1, chunk.count, file) != chunk.count { failed = true }
      bytes += chunk.count
    }
    fclose(file)
    if failed { throw CLIError("import bench: writing \(path) failed (disk full?)") }
    return (bytes, trace.attempts.count)
  }

  /// Runs `jq -c '.events[]' path > /dev/null` and times it; nil when jq is not installed.
  static func timeJq(_ path: String) -> (seconds: Double?, note: String) {
    let candidates = (String(cString: getenv("PATH") ?? strdup("/usr/bin:/bin")!)).split(separator: ":").map { "\($0)/jq" }
    guard let jq = candidates.first(where: { access($0, X_OK) == 0 }) else { return (nil, "jq not found on PATH: no comparison") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    let arguments = [jq, "-c", ".events[]", path]
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    let clock = ContinuousClock()
    let start = clock.now
    var pid: pid_t = 0
    guard posix_spawn(&pid, jq, &actions, nil, &argv, environ) == 0 else { return (nil, "jq could not be started") }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    let seconds = start.duration(to: clock.now).seconds
    guard status == 0 else { return (nil, "jq failed (status \(status))") }
    return (seconds, jq)
  }

  /// The process's resident set now (VmRSS), in bytes.
  static func residentBytes() -> Int {
    guard let file = fopen("/proc/self/status", "r") else { return 0 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
      let text = line.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
      if text.hasPrefix("VmRSS:") {
        let digits = text.filter(\.isNumber)
        return (Int(digits) ?? 0) * 1_024
      }
    }
    return 0
  }
}

/// A source that calls `sample` every 32 MiB read: the import's memory, watched as it goes.
private struct SamplingSource: ByteSource {
  let input: LogInput
  let sample: () -> Void
  private var sinceSample = 0

  init(input: LogInput, sample: @escaping () -> Void) {
    self.input = input
    self.sample = sample
  }

  mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(ByteSourceError) -> Int {
    let count = try input.read(into: buffer)
    sinceSample += count
    if sinceSample >= 32 << 20 {
      sinceSample = 0
      sample()
    }
    return count
  }
}
