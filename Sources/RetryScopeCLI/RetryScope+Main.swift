import RetryIO

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension RetryScope {
  /// The exit code when standard output could not be written (a full disk): EX_IOERR of
  /// sysexits.h, apart from 1 (`diff`: the runs differ; `check`: not idempotent) and 2 (bad input).
  public static let outputFailedExitCode: Int32 = 74

  /// The executable: runs `arguments`, writes stdout (streamed as it is made, for the commands with
  /// large output) and stderr, and returns the exit code.
  ///
  /// A closed pipe (`retryscope run x --format logs | head -1`) ends the output quietly with the
  /// command's own exit code; any other write error on stdout (`>/dev/full`) is one line on stderr
  /// and exit 74, so that a script never takes a truncated output for a whole one.
  public static func main(_ arguments: [String], environment: [String: String]) -> Int32 {
    // A closed pipe is an EPIPE error from write(2), not a signal that kills the process.
    signal(SIGPIPE, SIG_IGN)
    let output = DescriptorWriter(STDOUT_FILENO)
    let result = execute(arguments, environment: environment) { output.send($0) }
    output.send(result.stdout)
    var stderrText = result.stderr
    var exitCode = result.exitCode
    if let failure = output.reportableFailure {
      stderrText += "error: cannot write standard output: \(FileWriteError.reason(failure))\n"
      exitCode = outputFailedExitCode
    }
    DescriptorWriter(STDERR_FILENO).send(stderrText)
    return exitCode
  }
}
