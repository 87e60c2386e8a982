import RetryCore
import RetryIO

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
    /// The import process's peak resident set.
    var peakBytes: Int
    var jqSeconds: Double?
    var jqPeakBytes: Int?
    var jqNote: String

    var megabytesPerSecond: Double { Double(bytes) / 1_000_000 / max(seconds, 1e-9) }
    var jqMegabytesPerSecond: Double? { jqSeconds.map { Double(bytes) / 1_000_000 / max($0, 1e-9) } }
    var ratioToJq: Double? { jqMegabytesPerSecond.map { megabytesPerSecond / max($0, 1e-9) } }
  }

  /// About 2.3 kB of pages per invocation of the workload (measured): enough invocations for the
  /// requested size, and more if the first file comes out short.
  func run() throws(CLIError) -> Result {
    // Unique per run, not only per process: two benches in one process (tests run in parallel)
    // must not write the same file.
    let path = file ?? directory + "/retryscope-import-bench-\(getpid())-\(ProgressBar.monotonicNanoseconds()).json"
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

    // The import runs as `retryscope import FILE` in a process of its own, as a user runs it: its
    // peak resident set is its own, not this process's after the other figures.
    guard let executable = Self.retryscopeExecutable() else {
      throw CLIError("import bench: no retryscope executable found beside \(Self.ownPath()) to run 'retryscope import' as a process")
    }
    let importRun = Self.measure([executable, "import", path], captureOutput: true)
    guard importRun.status == 0 else {
      throw CLIError("import bench: 'retryscope import \(path)' failed: \(importRun.output.prefix(300))")
    }
    let counts = Self.counts(in: importRun.output)
    let jq = Self.findJq()
    let jqRun = jq.map { Self.measure([$0, "-c", ".events[]", path], captureOutput: false) }
    return Result(
      bytes: written.bytes, events: counts.messages, invocations: counts.invocations, executions: counts.executions,
      duplicates: counts.duplicates, generateSeconds: generateSeconds, seconds: importRun.seconds,
      peakBytes: importRun.peakBytes, jqSeconds: jqRun?.status == 0 ? jqRun?.seconds : nil,
      jqPeakBytes: jqRun?.status == 0 ? jqRun?.peakBytes : nil,
      jqNote: jq == nil ? "jq not found on PATH: no comparison" : jqRun?.status == 0 ? jq! : "jq failed on the file")
  }

  /// Simulates the workload and writes its logs as pages; the trace is freed on return.
  private func generate(invocations: Int, to path: String) throws(CLIError) -> (bytes: Int, events: Int) {
    let scenario = BenchmarkWorkload.scenario(invocations: invocations, failureProbability: failureProbability, seed: seed)
    let trace = Simulator(scenario: scenario).run()
    do throws(FileWriteError) {
      let writer = try TextFileWriter(path: path)
      CloudWatchLogWriter(trace: trace, options: .init(format: .events)).write { writer.write($0) }
      try writer.commit()
      return (writer.bytesWritten, trace.attempts.count)
    } catch {
      var failure = CLIError(error)
      failure.message = "import bench: " + failure.message
      throw failure
    }
  }

  /// The summary's figures: `19 log messages, 3 executions in 1 invocation`, `duplicate effects: 2`.
  static func counts(in summary: String) -> (messages: Int, executions: Int, invocations: Int, duplicates: Int) {
    var result = (messages: 0, executions: 0, invocations: 0, duplicates: 0)
    for line in summary.split(separator: "\n") {
      let words = line.split(separator: " ").map(String.init)
      if words.count >= 7, words[1] == "log", words[4] == "executions" || words[4] == "execution" {
        result.messages = Int(words[0]) ?? 0
        result.executions = Int(words[3]) ?? 0
        result.invocations = Int(words[6]) ?? 0
      }
      if line.hasPrefix("effects:"), let last = line.split(separator: ",").dropFirst().first {
        result.duplicates = Int(last.split(separator: ":").last?.split(separator: " ").first ?? "") ?? 0
      }
    }
    return result
  }

  static func findJq() -> String? {
    let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/jq" }.first { access($0, X_OK) == 0 }
  }

  /// The path of the running program (`/proc/self/exe`).
  static func ownPath() -> String {
    var buffer = [CChar](repeating: 0, count: 4_096)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard count > 0 else { return CommandLine.arguments[0] }
    return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// The `retryscope` executable to run `import` with: this program when it is retryscope, else
  /// the one beside it (the test runner lives next to it in `.build/debug`).
  static func retryscopeExecutable() -> String? {
    let own = ownPath()
    if own.hasSuffix("/retryscope") { return own }
    var directory = own
    while let slash = directory.lastIndex(of: "/") {
      directory = String(directory[..<slash])
      let candidate = directory + "/retryscope"
      if access(candidate, X_OK) == 0 { return candidate }
      if directory.hasSuffix("/.build") || directory.isEmpty { break }
    }
    return nil
  }

  /// `VmHWM` of process `pid`, in bytes (0 once it is gone).
  static func highWaterMark(of pid: pid_t) -> Int {
    guard let file = fopen("/proc/\(pid)/status", "r") else { return 0 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
      let text = line.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
      if text.hasPrefix("VmHWM:") { return (Int(text.filter(\.isNumber)) ?? 0) * 1_024 }
    }
    return 0
  }

  /// Runs `arguments` with stdout to a pipe (read after it ends: a summary is small) or /dev/null,
  /// stderr to /dev/null: its wall time, exit status and peak resident set.
  static func measure(_ arguments: [String], captureOutput: Bool) -> (
    seconds: Double, status: Int32, peakBytes: Int, output: String
  ) {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    var pipeEnds: [Int32] = [-1, -1]
    if captureOutput, pipe(&pipeEnds) == 0 {
      posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
      posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
      posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
    } else {
      posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    }
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    let clock = ContinuousClock()
    let start = clock.now
    var pid: pid_t = 0
    guard posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ) == 0 else { return (0, -1, 0, "cannot start") }
    // The child's own high-water mark (VmHWM), read while it runs: wait4's ru_maxrss would also
    // count this process's, which a spawned child inherits on Linux. A high-water mark misses
    // nothing between two looks, only what the last moments before the exit add.
    var peak = 0
    var status: Int32 = 0
    while waitpid(pid, &status, WNOHANG) == 0 {
      peak = max(peak, highWaterMark(of: pid))
      usleep(5_000)
    }
    let seconds = start.duration(to: clock.now).seconds
    var output: [UInt8] = []
    if pipeEnds[0] >= 0 {
      close(pipeEnds[1])
      var chunk = [UInt8](repeating: 0, count: 4_096)
      while true {
        let count = read(pipeEnds[0], &chunk, chunk.count)
        if count <= 0 { break }
        output += chunk[0..<count]
      }
      close(pipeEnds[0])
    }
    return (seconds, status, peak, String(decoding: output, as: UTF8.self))
  }
}
