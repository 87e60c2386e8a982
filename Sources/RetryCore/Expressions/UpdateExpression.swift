/// A DynamoDB `UpdateExpression` (`SET a = :v, b = if_not_exists(b, :now), n = n + :one`), parsed.
///
/// Supports the SET clause (assignments, `+`, `-`, `if_not_exists`, `list_append`) and the REMOVE
/// clause, each at most once, as documented in
/// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
/// ADD and DELETE are rejected with a clear error: they need set types, which `Value` lacks.
///
/// Semantics follow the service:
/// - every value is computed from the item as it was *before* the update (`SET a = b, b = a` swaps);
/// - a path read by an operand must exist, except as the first argument of `if_not_exists`;
/// - no two paths may overlap (`a` and `a.b`) or conflict (`a.b` and `a[0]`);
/// - `SET l[i]` past the end of a list appends, lower indexes first; REMOVE uses the original indexes;
/// - SET or REMOVE below a missing or wrongly typed parent is an error, REMOVE of a missing leaf is not.
public struct UpdateExpression: Sendable, Hashable, CustomStringConvertible {
  let setActions: [SetAction]
  let removePaths: [AttributePath]
  /// Whether REMOVE was written before SET (only `description` cares).
  let removeFirst: Bool
  /// Every placeholder, in the order written.
  let placeholderUses: [PlaceholderUse]

  public static func parse(_ text: String) throws(ExpressionError) -> UpdateExpression {
    var parser = try UpdateParser(text)
    let clauses = try parser.parse()
    return UpdateExpression(
      setActions: clauses.sets, removePaths: clauses.removes, removeFirst: clauses.removeFirst,
      placeholderUses: parser.stream.placeholderUses)
  }

  /// The item after the update; `item` holds at least the key attributes.
  ///
  /// Attributes that already exist keep their position; new ones are appended in the order of the
  /// SET actions, so that the item prints the same way on every run.
  public func apply(to item: Item, names: [String: String], values: [String: Value]) throws(ExpressionError) -> Item {
    let bindings = DynamoBindings(names: names, values: values)
    try bindings.checkBound(placeholderUses)
    // Placeholders can make two differently written paths the same attribute (`#a1`, `#a2`).
    try Self.checkClashes(setActions.map(\.path) + removePaths) { path throws(ExpressionError) in try path.resolved(bindings) }

    var setTargets: [[PathElement]] = []
    var newValues: [Value] = []
    for action in setActions {
      setTargets.append(try action.path.resolved(bindings))
      newValues.append(try action.value.evaluate(on: item, bindings))
    }
    var removeTargets: [[PathElement]] = []
    for path in removePaths { removeTargets.append(try path.resolved(bindings)) }

    var result = item
    for index in Self.setOrder(setTargets) {
      try Self.set(newValues[index], at: setTargets[index], writing: setActions[index].path, in: &result)
    }
    for index in Self.removeOrder(removeTargets) {
      try Self.remove(at: removeTargets[index], writing: removePaths[index], in: &result)
    }
    return result
  }

  /// The `:value` placeholders the expression uses, in order of first appearance.
  public var valuePlaceholders: [String] { PlaceholderUse.distinct(placeholderUses, prefix: ":") }
  /// The `#name` placeholders the expression uses, in order of first appearance.
  public var namePlaceholders: [String] { PlaceholderUse.distinct(placeholderUses, prefix: "#") }

  /// The expression in canonical form: `SET a = :v, n = n + :one REMOVE b`.
  public var description: String {
    var clauses: [String] = []
    if !setActions.isEmpty { clauses.append("SET " + setActions.map(\.description).joined(separator: ", ")) }
    if !removePaths.isEmpty {
      let remove = "REMOVE " + removePaths.map(\.description).joined(separator: ", ")
      if removeFirst { clauses.insert(remove, at: 0) } else { clauses.append(remove) }
    }
    return clauses.joined(separator: " ")
  }
}

extension UpdateExpression {
  /// Rejects two paths that overlap or conflict, in the order written; `elements` resolves a path
  /// (at parse time each placeholder stands for itself, at apply time for its attribute name).
  static func checkClashes(
    _ paths: [AttributePath], elements: (AttributePath) throws(ExpressionError) -> [PathElement]
  ) throws(ExpressionError) {
    let written = paths.sorted { $0.offset < $1.offset }
    var resolved: [[PathElement]] = []
    for path in written { resolved.append(try elements(path)) }
    for later in written.indices {
      for earlier in 0..<later {
        guard let clash = DocumentPath.clash(resolved[earlier], resolved[later]) else { continue }
        let first = written[earlier]
        let second = written[later]
        switch clash {
        case .overlap where first.description == second.description:
          throw ExpressionError(offset: second.offset, message: "path '\(second)' appears twice; an update may change each attribute only once")
        case .overlap:
          throw ExpressionError(
            offset: second.offset, message: "paths '\(first)' and '\(second)' overlap; an update may change each attribute only once")
        case .conflict:
          let common = zip(resolved[earlier], resolved[later]).prefix { $0 == $1 }.count
          throw ExpressionError(
            offset: second.offset,
            message: "paths '\(first)' and '\(second)' conflict: one uses '\(second.prefix(common))' as a map, the other as a list")
        }
      }
    }
  }
}
