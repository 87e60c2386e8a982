import Foundation
import RetryCore
import RetryIO
import Testing

@testable import RetryScopeCLI

/// Files the user names (`import --out`, `check --save`): whole or untouched, never through a
/// link, never over an input.
@Suite struct OutputFileTests {
  static let log = ImportCommandTests.fixtures + "raw-async-retries.log"

  static func withDirectory<T>(_ body: (String) throws -> T) throws -> T {
    try ImportCommandTests.withDirectory(body)
  }

  static func contents(_ path: String) -> String? {
    FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
  }

  /// Every file in `directory`, hidden ones (a temporary) included.
  static func listing(_ directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
  }

  // MARK: an output that is an input (item 17)

  @Test func importRefusesToWriteOverItsInput() throws {
    try Self.withDirectory { directory in
      let input = directory + "/app.log"
      try FileManager.default.copyItem(atPath: Self.log, toPath: input)
      let before = Self.contents(input)
      let result = RetryScope.execute(["import", input, "--out", input])
      #expect(result.exitCode == 2)
      #expect(result.stdout.isEmpty)
      #expect(result.stderr == "error: \(input): is also an input of this command; write the output to another file\n")
      #expect(Self.contents(input) == before)
    }
  }

  /// The same file by another name (`./`, `..`), by a link or a hard link: compared by device
  /// and inode, not by spelling.
  @Test func theSameFileByAnotherNameIsTheSameFile() throws {
    try Self.withDirectory { directory in
      let input = directory + "/app.log"
      try FileManager.default.copyItem(atPath: Self.log, toPath: input)
      try FileManager.default.createDirectory(atPath: directory + "/sub", withIntermediateDirectories: false)
      try FileManager.default.createSymbolicLink(atPath: directory + "/link.log", withDestinationPath: input)
      try FileManager.default.linkItem(atPath: input, toPath: directory + "/hard.log")
      let before = Self.contents(input)
      for (inputName, out) in [
        (input, directory + "/./sub/../app.log"), (directory + "/link.log", input), (input, directory + "/hard.log"),
      ] {
        let result = RetryScope.execute(["import", Self.log, inputName, "--out", out])
        #expect(result.exitCode == 2, "\(inputName) → \(out)")
        #expect(result.stderr == "error: \(out): is the same file as the input \(inputName); write the output to another file\n")
      }
      #expect(Self.contents(input) == before)
    }
  }

  @Test func checkRefusesToSaveOverItsScenarioFile() throws {
    try Self.withDirectory { directory in
      let scenario = directory + "/x.yaml"
      let yaml = try #require(BuiltinScenarios.yaml(named: "slack-at-most-once"))
      try yaml.write(toFile: scenario, atomically: false, encoding: .utf8)
      let result = RetryScope.execute(["check", scenario, "--max-faults", "1", "--save", scenario])
      #expect(result.exitCode == 2)
      #expect(result.stderr == "error: \(scenario): is also an input of this command; write the output to another file\n")
      #expect(Self.contents(scenario) == yaml)
    }
  }

  // MARK: atomic writes (item 18)

  /// A link is refused: writing through it would replace a file elsewhere (`/tmp/out.json` →
  /// `~/.bashrc`). The link and the file it names stay as they were.
  @Test func aSymbolicLinkTargetIsRefused() throws {
    try Self.withDirectory { directory in
      let victim = directory + "/victim.txt"
      try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
      let link = directory + "/out.json"
      try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: victim)
      let result = RetryScope.execute(["import", Self.log, "--out", link])
      #expect(result.exitCode == 2)
      #expect(
        result.stderr == "error: \(link): is a symbolic link; RetryScope does not write through links: give the file's own path\n")
      #expect(Self.contents(victim) == "precious\n")
      #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == victim)
      #expect(try Self.listing(directory) == ["out.json", "victim.txt"])
    }
  }

  @Test func aFolderOrADeviceIsRefused() throws {
    try Self.withDirectory { directory in
      let folder = RetryScope.execute(["import", Self.log, "--out", directory])
      #expect(folder.stderr == "error: \(directory): is a folder; give a file name\n")
      let device = RetryScope.execute(["import", Self.log, "--out", "/dev/null"])
      #expect(device.stderr == "error: /dev/null: is not a regular file; give a file name\n")
      #expect(folder.exitCode == 2 && device.exitCode == 2)
    }
  }

  /// Until `commit`, the target keeps its old content and the new one is a temporary beside it;
  /// without `commit` (an error on the way) the temporary goes. A committed file keeps the old
  /// one's permissions.
  @Test func theTargetIsWholeOrUntouched() throws {
    try Self.withDirectory { directory in
      let path = directory + "/trace.json"
      try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
      try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
      do {
        let writer = try TextFileWriter(path: path)
        writer.write("new, half written")
        #expect(Self.contents(path) == "old\n")
        let files = try Self.listing(directory)
        #expect(files.count == 2)
        #expect(files.contains { $0.hasPrefix(".trace.json.") && $0.hasSuffix(".tmp") })
        writer.discard()
      }
      #expect(try Self.listing(directory) == ["trace.json"])
      #expect(Self.contents(path) == "old\n")
      do {
        let dropped = try TextFileWriter(path: path)
        dropped.write("dropped without commit")
      }
      #expect(try Self.listing(directory) == ["trace.json"])
      let writer = try TextFileWriter(path: path)
      writer.write("new\n")
      try writer.commit()
      #expect(Self.contents(path) == "new\n")
      #expect(try Self.listing(directory) == ["trace.json"])
      let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
      #expect(permissions == 0o640)
    }
  }
}
