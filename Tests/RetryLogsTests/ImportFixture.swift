import RetryCore
import Testing

@testable import RetryLogs

/// Fixtures live beside the tests (`Fixtures/`), read through `MemoryByteSource` in small chunks
/// so that every reader is exercised across chunk boundaries.
enum ImportFixture {
  static let directory: String = {
    let file = #filePath
    return String(file[..<file.lastIndex(of: "/")!]) + "/Fixtures/"
  }()

  static func bytes(_ name: String) -> [UInt8] {
    guard let handle = fopen(directory + name, "rb") else { fatalError("no fixture \(name)") }
    defer { fclose(handle) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
      let count = fread(&buffer, 1, buffer.count, handle)
      if count == 0 { break }
      bytes += buffer[0..<count]
    }
    return bytes
  }

  /// Imports fixture files (or text) and returns the trace and summary.
  static func load(
    _ names: [String], options: LogImporter.Options = .init(), chunk: Int = 97
  ) throws -> (Trace, ImportSummary) {
    var options = options
    // As `TraceLoader` does: several files may hold the same log events.
    options.deduplicate = names.count > 1
    let importer = LogImporter(options: options)
    for name in names { try importer.read(MemoryByteSource(bytes(name), chunkLimit: chunk), name: name) }
    return try importer.finish()
  }

  static func load(text: String, name: String = "input.log", options: LogImporter.Options = .init(), chunk: Int = 97)
    throws -> (Trace, ImportSummary)
  {
    let importer = LogImporter(options: options)
    try importer.read(MemoryByteSource(text, chunkLimit: chunk), name: name)
    return try importer.finish()
  }
}

#if canImport(Glibc)
  import Glibc
#endif
