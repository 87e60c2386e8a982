/// A syntax or evaluation error in one of the scenario file's small languages (templates,
/// `ConditionExpression`, `UpdateExpression`, schedule expressions).
///
/// `offset` counts characters from the start of the expression's text, so that the loader can turn
/// it into the file:line:column of the offending character.
public struct ExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
  public var offset: Int
  public var message: String

  public init(offset: Int, message: String) {
    self.offset = offset
    self.message = message
  }

  public var description: String { message }
}
