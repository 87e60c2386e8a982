import RetryCore
import Yams

/// Turns a character offset inside a scalar's value into a position in the file, so that an error
/// in a template or a DynamoDB expression points at the offending character, not just the key.
///
/// Only a scalar that sits on one line can be mapped exactly: plain text starts at the node's mark;
/// a quoted one starts one column later, and its escapes (`''`, `\"`, `\u00e9`) take more columns
/// than the characters they stand for, so the raw line is walked escape by escape. A block scalar
/// (`|`, `>`) or a scalar that spans lines points at its start.
struct ScalarColumns {
  /// The file's lines, as Unicode scalars (libyaml counts columns in Unicode scalars).
  private let lines: [[Unicode.Scalar]]

  init(yaml: String) {
    var lines: [[Unicode.Scalar]] = [[]]
    for scalar in yaml.unicodeScalars {
      if scalar == "\n" { lines.append([]) } else { lines[lines.count - 1].append(scalar) }
    }
    self.lines = lines
  }

  /// The location of character `offset` of `node`'s value (its start when that cannot be exact).
  func location(ofOffset offset: Int, in node: YAMLNode) -> SourceLocation {
    let start = node.location
    guard let scalar = node.node.scalar, let mark = scalar.mark, mark.line >= 1, mark.line <= lines.count else { return start }
    let value = scalar.string
    guard !value.contains(where: \.isNewline) else { return start }
    let target = value.prefix(max(0, min(offset, value.count))).unicodeScalars.count
    let line = lines[mark.line - 1]
    guard mark.column >= 1, mark.column - 1 <= line.count else { return start }
    let raw = Array(line[(mark.column - 1)...])
    let rawIndex: Int?
    switch scalar.style {
    case .plain, .any: rawIndex = Self.plainIndex(raw: raw, value: Array(value.unicodeScalars), target: target)
    case .singleQuoted: rawIndex = Self.singleQuotedIndex(raw: raw, valueCount: value.unicodeScalars.count, target: target)
    case .doubleQuoted: rawIndex = Self.doubleQuotedIndex(raw: raw, valueCount: value.unicodeScalars.count, target: target)
    case .literal, .folded: rawIndex = nil
    }
    guard let rawIndex else { return start }
    return SourceLocation(file: start.file, line: start.line, column: mark.column + rawIndex)
  }

  /// Plain text is the value itself, provided the whole value is on this line.
  private static func plainIndex(raw: [Unicode.Scalar], value: [Unicode.Scalar], target: Int) -> Int? {
    guard raw.count >= value.count, Array(raw[0..<value.count]) == value else { return nil }
    return target
  }

  /// `'it''s'`: a doubled quote is one character; the closing quote must be on this line.
  private static func singleQuotedIndex(raw: [Unicode.Scalar], valueCount: Int, target: Int) -> Int? {
    guard raw.first == "'" else { return nil }
    var index = 1
    var consumed = 0
    var found: Int? = target == 0 ? 1 : nil
    while index < raw.count {
      if raw[index] == "'" {
        if index + 1 < raw.count, raw[index + 1] == "'" {
          index += 2
        } else {
          // The closing quote: the value ends here.
          return consumed == valueCount ? (found ?? index) : nil
        }
      } else {
        index += 1
      }
      consumed += 1
      if consumed == target { found = index }
    }
    return nil
  }

  /// `"a\tb\u00e9"`: each escape is one character; the closing quote must be on this line.
  private static func doubleQuotedIndex(raw: [Unicode.Scalar], valueCount: Int, target: Int) -> Int? {
    guard raw.first == "\"" else { return nil }
    var index = 1
    var consumed = 0
    var found: Int? = target == 0 ? 1 : nil
    while index < raw.count {
      switch raw[index] {
      case "\"":
        return consumed == valueCount ? (found ?? index) : nil
      case "\\":
        guard index + 1 < raw.count else { return nil }  // a line continuation
        switch raw[index + 1] {
        case "x": index += 4
        case "u": index += 6
        case "U": index += 10
        default: index += 2
        }
      default:
        index += 1
      }
      consumed += 1
      if consumed == target { found = index }
    }
    return nil
  }
}
