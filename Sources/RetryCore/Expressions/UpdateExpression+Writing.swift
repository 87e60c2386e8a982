/// How an update writes into the item: the order of its actions and the path walking.
extension UpdateExpression {
  /// The order to apply SET actions: as written, except that assignments to indexes of one list
  /// go lowest index first, so that several `l[i]` past the end append in index order as DynamoDB
  /// documents ("the elements are sorted in order by element number").
  static func setOrder(_ targets: [[PathElement]]) -> [Int] {
    var order = Array(targets.indices)
    var byList: [[PathElement]: [Int]] = [:]
    for (index, target) in targets.enumerated() {
      if case .index = target.last { byList[Array(target.dropLast()), default: []].append(index) }
    }
    // Each list's actions move only among that list's own slots, so the dictionary's order is moot.
    for slots in byList.values where slots.count > 1 {
      let sorted = slots.sorted { listIndex(targets[$0]) < listIndex(targets[$1]) }
      for (slot, action) in zip(slots, sorted) { order[slot] = action }
    }
    return order
  }

  /// The order to apply REMOVE actions: higher list indexes first, so that removing `l[1]` does
  /// not shift the element `l[3]` means (REMOVE indexes refer to the list before the update).
  static func removeOrder(_ targets: [[PathElement]]) -> [Int] {
    targets.indices.sorted { a, b in
      for (left, right) in zip(targets[a], targets[b]) where left != right {
        switch (left, right) {
        case (.index(let x), .index(let y)): return x > y
        case (.key(let x), .key(let y)): return x.utf8.lexicographicallyPrecedes(y.utf8)
        case (.key, .index): return true
        case (.index, .key): return false
        }
      }
      return a < b
    }
  }

  private static func listIndex(_ target: [PathElement]) -> Int {
    if case .index(let index) = target.last { return index }
    return 0
  }

  // MARK: - Writing into the item

  static func set(_ value: Value, at target: [PathElement], writing path: AttributePath, in item: inout Item) throws(ExpressionError) {
    guard case .key(let attribute) = target[0] else { return }
    if target.count == 1 {
      item[attribute] = value
      return
    }
    guard let existing = item[attribute] else { throw missingParent("set", path, depth: 1) }
    item[attribute] = try setting(value, at: target[1...], depth: 1, in: existing, writing: path)
  }

  private static func setting(
    _ value: Value, at rest: ArraySlice<PathElement>, depth: Int, in container: Value, writing path: AttributePath
  ) throws(ExpressionError) -> Value {
    let isLast = rest.count == 1
    switch (rest.first, container) {
    case (.key(let key)?, .map(var fields)):
      if isLast {
        fields[key] = value
      } else {
        guard let child = fields[key] else { throw missingParent("set", path, depth: depth + 1) }
        fields[key] = try setting(value, at: rest.dropFirst(), depth: depth + 1, in: child, writing: path)
      }
      return .map(fields)
    case (.index(let index)?, .list(var items)):
      if isLast {
        if index < items.count { items[index] = value } else { items.append(value) }
      } else {
        guard index < items.count else { throw missingParent("set", path, depth: depth + 1) }
        items[index] = try setting(value, at: rest.dropFirst(), depth: depth + 1, in: items[index], writing: path)
      }
      return .list(items)
    default:
      throw wrongParent("set", path, depth: depth, container: container)
    }
  }

  static func remove(at target: [PathElement], writing path: AttributePath, in item: inout Item) throws(ExpressionError) {
    guard case .key(let attribute) = target[0] else { return }
    if target.count == 1 {
      item.removeValue(forKey: attribute)
      return
    }
    guard let existing = item[attribute] else { throw missingParent("remove", path, depth: 1) }
    item[attribute] = try removing(at: target[1...], depth: 1, in: existing, writing: path)
  }

  private static func removing(
    at rest: ArraySlice<PathElement>, depth: Int, in container: Value, writing path: AttributePath
  ) throws(ExpressionError) -> Value {
    let isLast = rest.count == 1
    switch (rest.first, container) {
    case (.key(let key)?, .map(var fields)):
      if isLast {
        fields.removeValue(forKey: key)
      } else {
        guard let child = fields[key] else { throw missingParent("remove", path, depth: depth + 1) }
        fields[key] = try removing(at: rest.dropFirst(), depth: depth + 1, in: child, writing: path)
      }
      return .map(fields)
    case (.index(let index)?, .list(var items)):
      if isLast {
        if index < items.count { items.remove(at: index) }
      } else {
        guard index < items.count else { throw missingParent("remove", path, depth: depth + 1) }
        items[index] = try removing(at: rest.dropFirst(), depth: depth + 1, in: items[index], writing: path)
      }
      return .list(items)
    default:
      throw wrongParent("remove", path, depth: depth, container: container)
    }
  }

  /// DynamoDB: "The document path provided in the update expression is invalid for update".
  private static func missingParent(_ verb: String, _ path: AttributePath, depth: Int) -> ExpressionError {
    ExpressionError(offset: path.offset, message: "cannot \(verb) '\(path)': '\(path.prefix(depth))' does not exist in the item")
  }

  private static func wrongParent(_ verb: String, _ path: AttributePath, depth: Int, container: Value) -> ExpressionError {
    let wanted: String
    if case .index = path.components[depth] { wanted = "a list" } else { wanted = "a map" }
    return ExpressionError(
      offset: path.offset, message: "cannot \(verb) '\(path)': '\(path.prefix(depth))' is \(container.kindPhrase), not \(wanted)")
  }
}
