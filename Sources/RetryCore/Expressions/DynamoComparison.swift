/// How DynamoDB compares attribute values in conditions.
///
/// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html#Expressions.OperatorsAndFunctions.Comparators
enum DynamoComparison {
  /// DynamoDB equality: same type and same value. Numbers compare by value across `.int` and
  /// `.double` (DynamoDB has one number type), strings by their UTF-8 bytes (not by Swift's Unicode
  /// canonical equivalence), maps regardless of key order. Values of different types are never equal.
  static func equal(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.null, .null):
      return true
    case (.bool(let x), .bool(let y)):
      return x == y
    case (.string(let x), .string(let y)):
      return x.utf8.elementsEqual(y.utf8)
    case (.list(let x), .list(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
    case (.map(let x), .map(let y)):
      return x.count == y.count
        && x.allSatisfy { key, value in
          guard let other = y[key] else { return false }
          return equal(value, other)
        }
    default:
      return numericOrder(a, b) == 0
    }
  }

  /// -1, 0 or 1 when `a` and `b` can be ordered (two numbers, or two strings by UTF-8 bytes as
  /// DynamoDB does); nil for any other pair, which makes `<`, `<=`, `>`, `>=` and BETWEEN false.
  static func order(_ a: Value, _ b: Value) -> Int? {
    if case .string(let x) = a, case .string(let y) = b {
      if x.utf8.elementsEqual(y.utf8) { return 0 }
      return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1
    }
    return numericOrder(a, b)
  }

  /// Whether `value` has a type that `<` and BETWEEN accept (DynamoDB also accepts binary, which
  /// `Value` does not have).
  static func isOrderable(_ value: Value) -> Bool {
    switch value {
    case .int, .double, .string: true
    default: false
    }
  }

  private static func numericOrder(_ a: Value, _ b: Value) -> Int? {
    switch (a, b) {
    case (.int(let x), .int(let y)): return x < y ? -1 : (x == y ? 0 : 1)
    case (.int(let x), .double(let y)): return compare(Double(x), y)
    case (.double(let x), .int(let y)): return compare(x, Double(y))
    case (.double(let x), .double(let y)): return compare(x, y)
    default: return nil
    }
  }

  private static func compare(_ x: Double, _ y: Double) -> Int? {
    if x < y { return -1 }
    if x > y { return 1 }
    return x == y ? 0 : nil
  }

  /// Whether `haystack` contains `needle` as a run of UTF-8 bytes.
  static func containsBytes(_ haystack: String, _ needle: String) -> Bool {
    let hay = Array(haystack.utf8)
    let pin = Array(needle.utf8)
    if pin.isEmpty { return true }
    if pin.count > hay.count { return false }
    for start in 0...(hay.count - pin.count) where hay[start..<(start + pin.count)].elementsEqual(pin) {
      return true
    }
    return false
  }
}
