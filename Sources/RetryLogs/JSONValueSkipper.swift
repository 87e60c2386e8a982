/// Finds where one JSON value ends without decoding it, a piece of input at a time: the streaming
/// reader (`Scanner`) feeds it window after window, the in-memory field walker (`FieldWalker`)
/// one record. One state machine for both, so that they cannot disagree on where a value ends.
struct JSONValueSkipper {
  private var depth = 0
  private var inString = false
  private var escaped = false
  /// A number or a literal: it ends at the delimiter after it (which is not consumed).
  let isScalar: Bool
  /// Line ends crossed outside strings, for line numbers.
  private(set) var newlines = 0

  /// A delimiter where a value should be (broken input): callers step over it, so that every
  /// call moves on and no caller can loop on the same byte.
  static func isStray(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: ",") || byte == UInt8(ascii: ":")
  }

  /// For a value whose first byte (after blanks) is `first`.
  init(first: UInt8) {
    isScalar = first != UInt8(ascii: "{") && first != UInt8(ascii: "[") && first != UInt8(ascii: "\"")
  }

  /// Scans `bytes[from..<to]`: the index just past the value's end (at the delimiter after a
  /// scalar), or nil when the value goes on beyond `to`.
  @inline(__always)
  mutating func scan(_ bytes: UnsafePointer<UInt8>, from: Int, to: Int) -> Int? {
    var position = from
    if isScalar {
      while position < to {
        switch bytes[position] {
        case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09: return position
        default: position += 1
        }
      }
      return nil
    }
    while position < to {
      let byte = bytes[position]
      position += 1
      if inString {
        if escaped {
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if byte == UInt8(ascii: "\"") {
          inString = false
          if depth == 0 { return position }
        }
        continue
      }
      switch byte {
      case UInt8(ascii: "\""): inString = true
      case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        depth -= 1
        if depth == 0 { return position }
      case 0x0A: newlines += 1
      default: break
      }
    }
    return nil
  }
}
