import Foundation
import RetryCore
import RetryLogs
import Testing

@testable import RetryIO

/// Every file a user names is a regular file of bounded size (issue 12): `validate /dev/zero`
/// had read the device into memory until the process died. Devices, named pipes and directories
/// are refused in one line naming the file, by scenario loading and by trace and log opening
/// alike (`InputFile`); a scenario is at most 1 MiB, a trace file 1 GiB.
@Suite struct InputFileTests {
  static func scenarioError(_ path: String) -> String? {
    do {
      _ = try ScenarioLoader.load(contentsOf: path)
      return nil
    } catch {
      return error.description
    }
  }

  static func openError(_ path: String) -> String? {
    do {
      _ = try LogInput.open(path: path)
      return nil
    } catch {
      return error.message
    }
  }

  /// A named pipe in a fresh directory, removed afterwards.
  static func withFIFO(_ body: (String) throws -> Void) throws {
    let directory = NSTemporaryDirectory() + "/retryscope-fifo-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { FileManagerShim.remove(directory) }
    let path = directory + "/pipe.yaml"
    try #require(mkfifo(path, 0o600) == 0)
    try body(path)
  }

  @Test func aDeviceIsNotAScenario() {
    #expect(Self.scenarioError("/dev/zero") == "/dev/zero: cannot read file: it is a character device, not a regular file")
    #expect(Self.scenarioError("/dev/null") == "/dev/null: cannot read file: it is a character device, not a regular file")
  }

  @Test func aNamedPipeIsNotAScenarioAndOpeningItDoesNotHang() throws {
    try Self.withFIFO { path in
      #expect(Self.scenarioError(path) == "\(path): cannot read file: it is a FIFO (named pipe), not a regular file")
      #expect(Self.openError(path) == "\(path): is a FIFO (named pipe), not a regular file; to read a pipe, give '-' and pipe it in")
    }
  }

  @Test func aScenarioIsAtMostOneMebibyte() throws {
    #expect(ScenarioLoader.maximumFileSize == 1 << 20)
    let path = NSTemporaryDirectory() + "/retryscope-large-\(UInt32.random(in: 0...UInt32.max)).yaml"
    defer { FileManagerShim.remove(path) }
    // A valid scenario padded with a comment to exactly the limit loads; one byte more does not.
    let scenario = "name: t\ninvocations: [{id: A, type: Event}]\nhandler: [{return: 1}]\n#"
    let padded = scenario + String(repeating: "x", count: (1 << 20) - scenario.utf8.count - 1) + "\n"
    FileManagerShim.write(padded, to: path)
    #expect(Self.scenarioError(path) == nil)
    FileManagerShim.write(padded + "\n", to: path)
    #expect(Self.scenarioError(path) == "\(path): cannot read file: it is larger than 1 MiB, the most a scenario file may hold")
  }

  @Test func tracesAndLogsRefuseDevicesToo() {
    #expect(Self.openError("/dev/zero") == "/dev/zero: is a character device, not a regular file")
    #expect(throws: TraceJSONError(file: "/dev/urandom", message: "is a character device, not a regular file")) {
      try TraceJSONDecoder.load(path: "/dev/urandom")
    }
    #expect(throws: ImportError.unreadable("/dev/zero: is a character device, not a regular file")) {
      try TraceLoader.load(["/dev/zero"])
    }
  }

  /// A trace file is read whole, so its size is capped (after gzip): an endless pipe or a gzip
  /// bomb stops at the cap with one line.
  @Test func aTraceFileIsCapped() throws {
    #expect(TraceJSONDecoder.maximumSize == 1 << 30)
    let text = TraceJSON.encode(Simulator(scenario: try BuiltinScenarios.load(named: "echo"), seed: nil).run())
    var fits = MemoryByteSource(text)
    #expect((try? TraceJSONDecoder.decode(&fits, file: "t.json", maximumSize: text.utf8.count)) != nil)
    var larger = MemoryByteSource(text, chunkLimit: 100)
    #expect(throws: TraceJSONError(file: "t.json", message: "larger than 1 KiB, the most a trace file may hold; open the logs it was imported from instead")) {
      try TraceJSONDecoder.decode(&larger, file: "t.json", maximumSize: 1024)
    }
  }
}
