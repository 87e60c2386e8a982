import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A few lines of HTTP/1.1 over a plain socket, so that tests see exactly the bytes the server
/// sends (every header, the framing) and can send what a client library would not (a chunked body).
struct RawHTTPResponse {
  var status: Int
  var headers: [(String, String)]
  var body: [UInt8]

  func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
  var text: String { String(decoding: body, as: UTF8.self) }
}

enum RawHTTPClient {
  /// Sends `request` (the whole request text) on a new connection and reads one response, framed
  /// by its Content-Length, which the test then knows the server sent.
  static func send(_ request: [UInt8], port: Int) throws -> RawHTTPResponse {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw RawHTTPError.socket }
    defer { close(fd) }
    // A guard against a hang, not a measure: a server that never answers fails the test in two
    // minutes, whatever else the machine is doing.
    var timeout = timeval(tv_sec: 120, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw RawHTTPError.connect }
    var sent = 0
    while sent < request.count {
      let n = request[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      guard n > 0 else { throw RawHTTPError.write }
      sent += n
    }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      if let response = parse(received) { return response }
      let n = read(fd, &buffer, buffer.count)
      if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw RawHTTPError.noAnswer }
      guard n > 0 else { throw RawHTTPError.closedEarly(String(decoding: received, as: UTF8.self)) }
      received += buffer[0..<n]
    }
  }

  static func get(_ path: String, port: Int) throws -> RawHTTPResponse {
    try send(Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8), port: port)
  }

  static func post(_ path: String, body: String, headers: [String] = [], chunked: Bool = false, port: Int) throws
    -> RawHTTPResponse
  {
    var text = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    for header in headers { text += header + "\r\n" }
    let bytes = Array(body.utf8)
    if chunked {
      // Two chunks, so that the server has to join them.
      let half = bytes.count / 2
      text += "Transfer-Encoding: chunked\r\n\r\n"
      var request = Array(text.utf8)
      for part in [bytes[..<half], bytes[half...]] where !part.isEmpty {
        request += Array((String(part.count, radix: 16) + "\r\n").utf8) + part + Array("\r\n".utf8)
      }
      return try send(request + Array("0\r\n\r\n".utf8), port: port)
    }
    text += "Content-Length: \(bytes.count)\r\n\r\n"
    return try send(Array(text.utf8) + bytes, port: port)
  }

  /// A response once its head and as many body bytes as its Content-Length are in; nil before.
  /// A response without Content-Length is never complete: the test then fails by its timeout.
  static func parse(_ bytes: [UInt8]) -> RawHTTPResponse? {
    let separator: [UInt8] = Array("\r\n\r\n".utf8)
    guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else {
      return nil
    }
    let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
    let status = Int(lines[0].split(separator: " ")[1]) ?? 0
    let headers = lines.dropFirst().map { line -> (String, String) in
      let colon = line.firstIndex(of: ":")!
      return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
    guard let length = headers.first(where: { $0.0.lowercased() == "content-length" }).flatMap({ Int($0.1) }),
      bytes.count >= end + 4 + length
    else { return nil }
    return RawHTTPResponse(status: status, headers: headers, body: Array(bytes[(end + 4)..<(end + 4 + length)]))
  }
}

enum RawHTTPError: Error {
  case socket, connect, write
  /// Nothing came back within the client's read timeout.
  case noAnswer
  case closedEarly(String)
}
