/// Why a trace file could not be read, in one line: `trace.json:12:5: attempts[3]: "outcome" must
/// be one of success, error, ...`. Line and column are 1-based (columns count characters); both
/// are nil when the problem has no one place (a missing `format`, an unreadable file).
public struct TraceJSONError: Error, Sendable, Equatable, CustomStringConvertible {
  public var file: String
  public var line: Int?
  public var column: Int?
  public var message: String

  public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  public var description: String {
    guard let line else { return "\(file): \(message)" }
    return "\(file):\(line):\(column ?? 1): \(message)"
  }
}

/// A field of a trace element that is missing or wrong, with the path of the element
/// (`attempts[3]: "outcome" must be ...`); the decoder adds the file and the element's position.
struct TraceFieldError: Error {
  var message: String
}
