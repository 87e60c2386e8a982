/// A DynamoDB `UpdateExpression` (`SET a = :v, b = if_not_exists(b, :now), n = n + :one`), parsed.
///
/// Supports the SET clause (assignments, `+`, `-`, `if_not_exists`, `list_append`), the REMOVE
/// clause, ADD (a number added to a number, or a set's elements to a set; a missing attribute
/// counts as 0 or the empty set) and DELETE (a set's elements taken from a set, an emptied set
/// removed), each at most once, as documented in
/// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html
/// Sets are `Value`'s tagged maps (`Value+DynamoSet.swift`).
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
  let addActions: [SetElementAction]
  let deleteActions: [SetElementAction]
  /// Whether REMOVE was written before SET (only `description` cares).
  let removeFirst: Bool
  /// Every placeholder, in the order written.
  let placeholderUses: [PlaceholderUse]

  public static func parse(_ text: String) throws(ExpressionError) -> UpdateExpression {
    var parser = try UpdateParser(text)
    let clauses = try parser.parse()
    return UpdateExpression(
      setActions: clauses.sets, removePaths: clauses.removes, addActions: clauses.adds, deleteActions: clauses.deletes,
      removeFirst: clauses.removeFirst, placeholderUses: parser.stream.placeholderUses)
  }

  /// The top-level attributes the update writes or removes (resolving `#name`s), in the order
  /// written: what `ReturnValues: UPDATED_OLD` and `UPDATED_NEW` return.
  public func updatedAttributes(names: [String: String]) -> [String] {
    let paths = setActions.map(\.path) + removePaths + addActions.map(\.path) + deleteActions.map(\.path)
    var result: [String] = []
    for path in paths.sorted(by: { $0.offset < $1.offset }) {
      guard let elements = try? path.resolved(DynamoBindings(names: names, values: [:])),
        case .key(let attribute)? = elements.first, !result.contains(attribute)
      else { continue }
      result.append(attribute)
    }
    return result
  }

  /// The item after the update; `item` holds at least the key attributes.
  ///
  /// Attributes that already exist keep their position; new ones are appended in the order of the
  /// SET actions, so that the item prints the same way on every run.
  public func apply(to item: Item, names: [String: String], values: [String: Value]) throws(ExpressionError) -> Item {
    let bindings = DynamoBindings(names: names, values: values)
    try bindings.checkBound(placeholderUses)
    // Placeholders can make two differently written paths the same attribute (`#a1`, `#a2`).
    let allPaths = setActions.map(\.path) + removePaths + addActions.map(\.path) + deleteActions.map(\.path)
    try Self.checkClashes(allPaths) { path throws(ExpressionError) in try path.resolved(bindings) }

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
    for action in addActions {
      let target = try action.path.resolved(bindings)
      let operand = try bindings.value(action.placeholder, at: action.offset)
      try Self.set(try action.added(operand, to: DocumentPath.value(at: target, in: item)), at: target, writing: action.path, in: &result)
    }
    for action in deleteActions {
      let target = try action.path.resolved(bindings)
      let operand = try bindings.value(action.placeholder, at: action.offset)
      guard let existing = DocumentPath.value(at: target, in: item) else { continue }
      if let remaining = try action.deleted(operand, from: existing) {
        try Self.set(remaining, at: target, writing: action.path, in: &result)
      } else {
        try Self.remove(at: target, writing: action.path, in: &result)
      }
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
    if !addActions.isEmpty { clauses.append("ADD " + addActions.map(\.description).joined(separator: ", ")) }
    if !deleteActions.isEmpty { clauses.append("DELETE " + deleteActions.map(\.description).joined(separator: ", ")) }
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
