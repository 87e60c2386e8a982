import Foundation
import Testing

/// The built binary when its output cannot be written: a full disk is an error, a closed pipe is
/// the reader having seen enough, and a file being written when the process dies is untouched.
@Suite struct WriteFailureTests {
  /// Runs the binary with `stdout` as its standard output; returns its stderr and exit status.
  static func run(_ arguments: [String], stdout: FileHandle) throws -> (stderr: String, status: Int32) {
    let process = Process()
    process.executableURL = try #require(ExecutableTests.binary, "build the retryscope executable first")
    process.arguments = arguments
    let err = Pipe()
    process.standardInput = Pipe()
    process.standardOutput = stdout
    process.standardError = err
    try process.run()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (String(decoding: stderr, as: UTF8.self), process.terminationStatus)
  }

  /// `sh -c script` with the binary as `$0` and `arguments` as `$1`...: for `ulimit` and `trap`,
  /// which only a shell sets.
  static func shell(_ script: String, _ arguments: [String], in directory: String) throws -> (
    stderr: String, status: Int32, reason: Process.TerminationReason
  ) {
    let process = Process()
    // The test runner may ignore SIGXFSZ, and a shell cannot trap a signal ignored on entry:
    // `env --default-signal` (coreutils) gives the shell the default action back.
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
      ["--default-signal=XFSZ", "/bin/sh", "-c", script, try #require(ExecutableTests.binary, "build the retryscope executable first").path]
      + arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let err = Pipe()
    process.standardInput = Pipe()
    process.standardOutput = Pipe()
    process.standardError = err
    try process.run()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (String(decoding: stderr, as: UTF8.self), process.terminationStatus, process.terminationReason)
  }

  /// `>/dev/full`: the text commands and the streamed ones both say so and exit 74 (they exited
  /// 0 in silence, a script taking the empty output for the whole one).
  @Test(arguments: [["list"], ["run", "create-user", "--format", "logs"], ["run", "create-user", "--format", "json"]])
  func aFullDiskIsOneLineAndExit74(_ arguments: [String]) throws {
    let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
    let result = try Self.run(arguments, stdout: full)
    #expect(result.status == 74)
    #expect(result.stderr == "error: cannot write standard output: no space left on device\n")
  }

  /// A pipe whose reader is gone (`| head -1`): quiet, and the command's own exit code.
  @Test func aClosedPipeIsQuietAndExitZero() throws {
    let pipe = Pipe()
    try pipe.fileHandleForReading.close()
    let result = try Self.run(["run", "async-interleave", "--format", "logs"], stdout: pipe.fileHandleForWriting)
    #expect(result.status == 0)
    #expect(result.stderr.isEmpty)
  }

  /// The process dies in the middle of writing `--out` (here by SIGXFSZ at a 512-byte file size
  /// limit; `kill -9` alike): the trace that was there stays whole. (The old writer truncated it
  /// first: a good trace was lost.)
  @Test func dyingMidWriteLeavesTheOldFileWhole() throws {
    try OutputFileTests.withDirectory { directory in
      try "good trace\n".write(toFile: directory + "/trace.json", atomically: false, encoding: .utf8)
      let result = try Self.shell(#"ulimit -f 1; exec "$0" import "$1" --out trace.json"#, [OutputFileTests.log], in: directory)
      #expect(result.reason == .uncaughtSignal)
      #expect(OutputFileTests.contents(directory + "/trace.json") == "good trace\n")
    }
  }

  /// A write that fails (the size limit with SIGXFSZ ignored: EFBIG, as a full disk gives
  /// ENOSPC) is one line and exit 74; the temporary file is removed and the old trace stays.
  @Test func aFailedWriteRemovesItsTemporaryAndExits74() throws {
    try OutputFileTests.withDirectory { directory in
      try "good trace\n".write(toFile: directory + "/trace.json", atomically: false, encoding: .utf8)
      let result = try Self.shell(
        #"trap '' XFSZ; ulimit -f 1; exec "$0" import "$1" --out trace.json"#, [OutputFileTests.log], in: directory)
      #expect(result.status == 74)
      #expect(result.stderr == "error: trace.json: file too large\n")
      #expect(OutputFileTests.contents(directory + "/trace.json") == "good trace\n")
      #expect(try OutputFileTests.listing(directory) == ["trace.json"])
    }
  }
}
