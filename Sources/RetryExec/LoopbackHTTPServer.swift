import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP request as a responder sees it: the body is whole (NIO's decoder has already joined a
/// chunked body), so a responder never deals with framing.
public struct LoopbackRequest: Sendable {
  public var method: String
  /// The path without the query.
  public var path: String
  public var headers: [(name: String, value: String)]
  public var body: [UInt8]

  /// The first header of that name, compared case-insensitively as HTTP says.
  public func header(_ name: String) -> String? {
    let wanted = name.lowercased()
    return headers.first { $0.name.lowercased() == wanted }?.value
  }
}

/// A response; the server adds `Content-Length` to every one (the Lambda runtime clients read
/// bodies by it, and a response without it would be read until the connection closes).
public struct LoopbackResponse: Sendable {
  public var status: Int
  public var headers: [(name: String, value: String)]
  public var body: [UInt8]

  public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  /// A JSON body with its content type.
  public static func json(_ status: Int, _ text: String) -> LoopbackResponse {
    LoopbackResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(text.utf8))
  }
}

/// An HTTP/1.1 server on 127.0.0.1 at a port the kernel picks, with SwiftNIO. Each connection is
/// served by its own task, requests one after another (keep-alive as the client asks), so a long
/// poll (`GET .../invocation/next`) holds only its own connection.
public final class LoopbackHTTPServer: Sendable {
  public typealias Responder = @Sendable (LoopbackRequest) async -> LoopbackResponse

  public let port: Int
  private let channel: any Channel
  private let acceptTask: Task<Void, Never>

  private init(port: Int, channel: any Channel, acceptTask: Task<Void, Never>) {
    self.port = port
    self.channel = channel
    self.acceptTask = acceptTask
  }

  /// Binds and starts accepting. Only loopback: nothing outside the machine can reach a handler's
  /// runtime or its simulated services.
  public static func start(responder: @escaping Responder) async throws -> LoopbackHTTPServer {
    let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .bind(host: "127.0.0.1", port: 0) { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
          return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
        }
      }
    let port = server.channel.localAddress?.port ?? 0
    let channel = server.channel
    let acceptTask = Task<Void, Never>(executorPreference: .exec) {
      _ = try? await server.executeThenClose { inbound in
        await withDiscardingTaskGroup { group in
          do {
            for try await connection in inbound {
              group.addTask(executorPreference: .exec) { await serve(connection, responder: responder) }
            }
          } catch {
            // The listening socket closed: stop accepting; open connections finish on their own.
          }
        }
      }
    }
    return LoopbackHTTPServer(port: port, channel: channel, acceptTask: acceptTask)
  }

  /// Stops accepting and closes the listening socket. Connections still open are closed by their
  /// peers (a killed process's are closed by the kernel).
  public func shutdown() async {
    try? await channel.close()
    acceptTask.cancel()
  }

  private static func serve(
    _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, responder: Responder
  ) async {
    try? await connection.executeThenClose { inbound, outbound in
      var head: HTTPRequestHead?
      var body = ByteBuffer()
      for try await part in inbound {
        switch part {
        case .head(let h):
          head = h
          body.clear()
        case .body(var chunk):
          body.writeBuffer(&chunk)
        case .end:
          guard let h = head else { continue }
          head = nil
          let request = LoopbackRequest(
            method: h.method.rawValue, path: String(h.uri.split(separator: "?", maxSplits: 1).first ?? ""),
            headers: h.headers.map { ($0.name, $0.value) }, body: Array(body.readableBytesView))
          let response = await responder(request)
          var headers = HTTPHeaders(response.headers)
          headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
          if !h.isKeepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
          try await outbound.write(
            .head(HTTPResponseHead(version: h.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)))
          if !response.body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body)))) }
          try await outbound.write(.end(nil))
          if !h.isKeepAlive { return }
        }
      }
    }
  }
}
