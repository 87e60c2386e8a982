/// What serves a handler's calls to everything but the Runtime API: the simulated services its
/// SDK reaches through `AWS_ENDPOINT_URL`, and the plain HTTP endpoints a scenario configures.
/// `requestId` is the invocation the calling environment is working on (nil between invocations,
/// during the init phase), so that every call is attributed to the execution that made it;
/// `start` is when the runtime fetched that invocation (the execution's start).
public protocol ServiceBackend: Sendable {
  func handle(_ request: LoopbackRequest, requestId: String?, start: ContinuousClock.Instant?) async -> LoopbackResponse
}

/// One call a handler made, as it reached RetryScope.
public struct ServiceCall: Sendable, Equatable {
  public var requestId: String?
  /// The endpoint's name (`slack`), from the path `/endpoints/<name>`.
  public var endpoint: String
  public var method: String
  public var body: [UInt8]
  public var at: ContinuousClock.Instant
}

/// The plain HTTP endpoints of a scenario (`world.endpoints`), served at `/endpoints/<name>`:
/// every request is recorded and answered with the endpoint's configured status.
public actor EndpointRecorder: ServiceBackend {
  public struct Endpoint: Sendable {
    public var name: String
    public var status: Int
    public init(name: String, status: Int = 200) {
      self.name = name
      self.status = status
    }
  }

  private let endpoints: [String: Endpoint]
  public private(set) var calls: [ServiceCall] = []

  public init(endpoints: [Endpoint]) {
    self.endpoints = Dictionary(endpoints.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
  }

  public func handle(_ request: LoopbackRequest, requestId: String?, start: ContinuousClock.Instant?) async
    -> LoopbackResponse
  {
    let prefix = "/endpoints/"
    guard request.path.hasPrefix(prefix) else {
      return .json(404, #"{"message":"RetryScope serves no such path: \#(request.path)"}"#)
    }
    let name = String(request.path.dropFirst(prefix.count))
    guard let endpoint = endpoints[name] else {
      return .json(404, #"{"message":"the scenario declares no endpoint named \#(name)"}"#)
    }
    calls.append(ServiceCall(requestId: requestId, endpoint: name, method: request.method, body: request.body, at: .now))
    return .json(endpoint.status, endpoint.status < 400 ? #"{"ok":true}"# : #"{"ok":false}"#)
  }

  /// The calls made while working on one invocation, in arrival order.
  public func calls(for requestId: String) -> [ServiceCall] { calls.filter { $0.requestId == requestId } }

  /// The environment variable through which a handler finds an endpoint's URL:
  /// `RETRYSCOPE_ENDPOINT_` and the name in capitals, other characters as `_`.
  public static func variableName(for endpoint: String) -> String {
    "RETRYSCOPE_ENDPOINT_" + String(endpoint.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
  }
}
