/// Number arithmetic shared by templates and `UpdateExpression`.
///
/// Integers stay integers while the result fits (`7 * 7` is `.int(49)`, not `.double(49)`), so that
/// counters written back to a table look like the numbers the scenario wrote; on overflow the
/// result falls back to `Double`, as JavaScript's numbers would, rather than trapping.
enum Arithmetic {
  enum Operation {
    case add, subtract, multiply
  }

  /// `a op b` when both are numbers; nil otherwise.
  static func apply(_ operation: Operation, _ a: Value, _ b: Value) -> Value? {
    if case .int(let x) = a, case .int(let y) = b {
      let (result, overflow) =
        switch operation {
        case .add: x.addingReportingOverflow(y)
        case .subtract: x.subtractingReportingOverflow(y)
        case .multiply: x.multipliedReportingOverflow(by: y)
        }
      if !overflow { return .int(result) }
    }
    guard let x = a.numberAsDouble, let y = b.numberAsDouble else { return nil }
    switch operation {
    case .add: return .double(x + y)
    case .subtract: return .double(x - y)
    case .multiply: return .double(x * y)
    }
  }
}

extension Value {
  /// The value as a `Double` when it is a number.
  var numberAsDouble: Double? {
    switch self {
    case .int(let number): Double(number)
    case .double(let number): number
    default: nil
    }
  }
}
