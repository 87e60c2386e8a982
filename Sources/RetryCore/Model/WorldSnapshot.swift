/// The final state of the tables and endpoints.
public struct WorldSnapshot: Sendable, Hashable {
  public struct Table: Sendable, Hashable {
    public var name: String
    public var keyAttributes: [String]
    public var items: [Item]
    public init(name: String, keyAttributes: [String], items: [Item]) {
      self.name = name
      self.keyAttributes = keyAttributes
      self.items = items
    }
  }
  public struct Endpoint: Sendable, Hashable {
    public var name: String
    public var url: String
    /// Every request the endpoint received, in order: the body and who sent it.
    public var requests: [Request]
    public init(name: String, url: String, requests: [Request]) {
      self.name = name
      self.url = url
      self.requests = requests
    }
  }
  public struct Request: Sendable, Hashable {
    public var time: Milliseconds
    public var actor: String
    public var body: Value
    public var statusCode: Int
    public init(time: Milliseconds, actor: String, body: Value, statusCode: Int) {
      self.time = time
      self.actor = actor
      self.body = body
      self.statusCode = statusCode
    }
  }

  public var tables: [Table]
  public var endpoints: [Endpoint]

  public init(tables: [Table] = [], endpoints: [Endpoint] = []) {
    self.tables = tables
    self.endpoints = endpoints
  }
}

extension WorldSnapshot.Table {
  /// An item's key as effects write it (`mail=y`, `user=alice,seq=3`): what the ledger, a diff
  /// and the checker match rows by. Nil when a key attribute is missing.
  public static func keyText(of item: Value, keyAttributes: [String]) -> String? {
    guard !keyAttributes.isEmpty else { return nil }
    var text = ""
    for attribute in keyAttributes {
      guard let part = item[attribute], part != .null else { return nil }
      if !text.isEmpty { text += "," }
      text += attribute + "=" + part.displayText
    }
    return text
  }
}
