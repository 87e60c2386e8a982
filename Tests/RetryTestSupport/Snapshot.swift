import Foundation
import Testing

/// Golden text files shared by the test targets: the trace JSON and text reports (RetryIOTests)
/// and the terminal UI's frames (RetryTUITests).
///
/// A file that is missing is recorded and the test fails once ("run again"); with
/// `RECORD_SNAPSHOTS=1` every file is re-recorded, to be reviewed in the diff.
public enum Snapshot {
  /// The `Snapshots` folder next to the test file `filePath`.
  public static func directory(besides filePath: String) -> URL {
    URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
  }

  public static func check(
    _ actual: String, named name: String, in directory: URL, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let url = directory.appendingPathComponent(name)
    let recording = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil
    if recording || !FileManager.default.fileExists(atPath: url.path) {
      try actual.write(to: url, atomically: true, encoding: .utf8)
      if !recording { Issue.record("recorded a missing golden file \(name); run again", sourceLocation: sourceLocation) }
      return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    guard actual != expected else { return }
    let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let first = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
      ?? min(actualLines.count, expectedLines.count)
    Issue.record(
      """
      \(name) differs from its golden file at line \(first + 1):
      - \(first < expectedLines.count ? String(expectedLines[first]) : "<end of file>")
      + \(first < actualLines.count ? String(actualLines[first]) : "<end of file>")
      """, sourceLocation: sourceLocation)
  }
}
