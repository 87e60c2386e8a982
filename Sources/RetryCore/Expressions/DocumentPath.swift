/// One step of a resolved document path: a map key or a list index.
enum PathElement: Hashable, Sendable {
  case key(String)
  case index(Int)
}

/// Reading document paths and comparing them.
enum DocumentPath {
  /// The value at `path` in `item`, or nil when the item, an attribute, a key or an index is missing
  /// or a step meets a value of the wrong type (`a.b` where `a` is a list).
  static func value(at path: [PathElement], in item: Item?) -> Value? {
    guard let item, case .key(let first)? = path.first, var current = item[first] else { return nil }
    for element in path.dropFirst() {
      switch (element, current) {
      case (.key(let key), .map(let fields)):
        guard let next = fields[key] else { return nil }
        current = next
      case (.index(let index), .list(let items)):
        guard items.indices.contains(index) else { return nil }
        current = items[index]
      default:
        return nil
      }
    }
    return current
  }

  /// How two paths written by one update relate, if they clash.
  enum Clash: Equatable {
    /// One path is the other or lies inside it (`a` and `a.b`).
    case overlap
    /// They part where one treats the parent as a map and the other as a list (`a.b` and `a[1]`).
    case conflict
  }

  /// DynamoDB rejects an update whose paths overlap or conflict ("Two document paths overlap with
  /// each other; must remove or rewrite one of these paths").
  static func clash(_ a: [PathElement], _ b: [PathElement]) -> Clash? {
    for (left, right) in zip(a, b) where left != right {
      switch (left, right) {
      case (.key, .index), (.index, .key): return .conflict
      default: return nil
      }
    }
    return .overlap
  }
}
