import Foundation
import Synchronization
import Testing

@testable import RetryExec

/// The Runtime API over real HTTP: a socket client sends the bytes a runtime would.
@Suite struct RuntimeAPITests {
  /// A server serving one `RuntimeAPI`, as an execution environment does.
  static func serve() async throws -> (RuntimeAPI, LoopbackHTTPServer) {
    let api = RuntimeAPI()
    let server = try await LoopbackHTTPServer.start { await api.respond(to: $0) }
    return (api, server)
  }

  static func invocation(_ id: String, _ payload: String = #"{"name":"ada"}"#, timeout: Duration = .seconds(30))
    -> RuntimeInvocation
  {
    RuntimeInvocation(
      requestId: id, payload: Array(payload.utf8),
      functionArn: "arn:aws:lambda:us-east-1:123456789012:function:create-user",
      traceId: "Root=1-00000000-000000000000000000000001;Parent=0000000000000001;Sampled=0", timeout: timeout)
  }

  /// Runs a blocking socket call off the cooperative pool.
  static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
  }

  @Test func nextCarriesTheInvocationWithLambdasHeaders() async throws {
    let (api, server) = try await Self.serve()
    defer { Task { await server.shutdown() } }
    let port = server.port
    let waiting = Task(executorPreference: .exec) { await api.invoke(Self.invocation("req-1", timeout: .seconds(30))) }
    let before = Int64(Date().timeIntervalSince1970 * 1000)
    let next = try await Self.blocking { try RawHTTPClient.get("/2018-06-01/runtime/invocation/next", port: port) }
    #expect(next.status == 200)
    #expect(next.text == #"{"name":"ada"}"#)
    #expect(next.header("Content-Length") == "14")
    #expect(next.header("Lambda-Runtime-Aws-Request-Id") == "req-1")
    #expect(next.header("Lambda-Runtime-Invoked-Function-Arn") == "arn:aws:lambda:us-east-1:123456789012:function:create-user")
    #expect(next.header("Lambda-Runtime-Trace-Id") == "Root=1-00000000-000000000000000000000001;Parent=0000000000000001;Sampled=0")
    let deadline = try #require(next.header("Lambda-Runtime-Deadline-Ms").flatMap { Int64($0) })
    // The deadline is the wall clock at delivery plus the function timeout.
    #expect(deadline >= before + 30_000 && deadline <= Int64(Date().timeIntervalSince1970 * 1000) + 30_000)

    let posted = try await Self.blocking {
      try RawHTTPClient.post("/2018-06-01/runtime/invocation/req-1/response", body: #"{"ok":true}"#, port: port)
    }
    #expect(posted.status == 202)
    #expect(posted.text == #"{"status":"OK"}"#)
    #expect(posted.header("Content-Length") == "15")
    #expect(await waiting.value == .response(Array(#"{"ok":true}"#.utf8)))
  }

  @Test func aChunkedErrorBodyIsJoinedAndKeepsItsErrorType() async throws {
    let (api, server) = try await Self.serve()
    defer { Task { await server.shutdown() } }
    let port = server.port
    let waiting = Task(executorPreference: .exec) { await api.invoke(Self.invocation("req-2")) }
    _ = try await Self.blocking { try RawHTTPClient.get("/2018-06-01/runtime/invocation/next", port: port) }
    let body = #"{"errorMessage":"boom","errorType":"ValueError","stackTrace":[]}"#
    let posted = try await Self.blocking {
      try RawHTTPClient.post(
        "/2018-06-01/runtime/invocation/req-2/error", body: body, headers: ["Lambda-Runtime-Function-Error-Type: Unhandled"],
        chunked: true, port: port)
    }
    #expect(posted.status == 202)
    #expect(await waiting.value == .error(type: "Unhandled", body: Array(body.utf8)))
  }

  @Test func anAnswerForAnotherRequestIdIsRefused() async throws {
    let (api, server) = try await Self.serve()
    defer { Task { await server.shutdown() } }
    let port = server.port
    let waiting = Task(executorPreference: .exec) { await api.invoke(Self.invocation("req-3")) }
    _ = try await Self.blocking { try RawHTTPClient.get("/2018-06-01/runtime/invocation/next", port: port) }
    let wrong = try await Self.blocking {
      try RawHTTPClient.post("/2018-06-01/runtime/invocation/req-9/response", body: "1", port: port)
    }
    #expect(wrong.status == 400)
    #expect(wrong.text == #"{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}"#)
    let unknown = try await Self.blocking { try RawHTTPClient.get("/2018-06-01/runtime/nothing", port: port) }
    #expect(unknown.status == 404)
    #expect(unknown.header("Content-Length") == String(unknown.body.count))
    _ = try await Self.blocking {
      try RawHTTPClient.post("/2018-06-01/runtime/invocation/req-3/response", body: "2", port: port)
    }
    #expect(await waiting.value == .response(Array("2".utf8)))
  }

  @Test func anInitErrorEndsTheWaitingInvocation() async throws {
    let (api, server) = try await Self.serve()
    defer { Task { await server.shutdown() } }
    let port = server.port
    let waiting = Task(executorPreference: .exec) { await api.invoke(Self.invocation("req-4")) }
    // Let the invocation be queued before the runtime reports that it could not start.
    while await api.current == nil, await !api.hasQueued { try await Task.sleep(for: .milliseconds(5)) }
    let body = #"{"errorMessage":"No module named 'app'","errorType":"Runtime.ImportModuleError"}"#
    let posted = try await Self.blocking {
      try RawHTTPClient.post(
        "/2018-06-01/runtime/init/error", body: body, headers: ["Lambda-Runtime-Function-Error-Type: Runtime.ImportModuleError"],
        port: port)
    }
    #expect(posted.status == 202)
    #expect(await waiting.value == .initError(type: "Runtime.ImportModuleError", body: Array(body.utf8)))
  }

  @Test func noAnswerByTheDeadlineIsATimeout() async throws {
    let (api, server) = try await Self.serve()
    defer { Task { await server.shutdown() } }
    let port = server.port
    let waiting = Task(executorPreference: .exec) { await api.invoke(Self.invocation("req-5", timeout: .milliseconds(200))) }
    _ = try await Self.blocking { try RawHTTPClient.get("/2018-06-01/runtime/invocation/next", port: port) }
    #expect(await waiting.value == .timedOut)
    // A late answer is refused: the invocation is over.
    let late = try await Self.blocking {
      try RawHTTPClient.post("/2018-06-01/runtime/invocation/req-5/response", body: "1", port: port)
    }
    #expect(late.status == 400)
  }

  /// CI once failed here: a parallel test run kept Swift's task pool busy for half a minute, the
  /// server waited for a pool thread, and the runtime's `next` got nothing. The servers now run on
  /// RetryExec's own threads: a round trip completes while every pool thread is held.
  @Test func theRuntimeAPIAnswersWhileSwiftsTaskPoolIsBusy() async throws {
    let (api, server) = try await Self.serve()
    defer { Task { await server.shutdown() } }
    let port = server.port
    let width = ProcessInfo.processInfo.activeProcessorCount
    let held = Locked(0)
    let release = DispatchSemaphore(value: 0)
    let done = DispatchSemaphore(value: 0)
    let outcome = Locked<(Result<RawHTTPResponse, any Error>, heldDuringTheRoundTrip: Bool)?>(nil)
    // The runtime's side on a thread of its own, started before the pool is taken.
    Thread.detachNewThread {
      while held.withLock({ $0 }) < width { usleep(1000) }
      let result = Result { () throws -> RawHTTPResponse in
        _ = try RawHTTPClient.get("/2018-06-01/runtime/invocation/next", port: port)
        return try RawHTTPClient.post("/2018-06-01/runtime/invocation/req-6/response", body: "1", port: port)
      }
      outcome.withLock { $0 = (result, held.withLock { $0 } == width) }
      for _ in 0..<width { release.signal() }
      done.signal()
    }
    // Every thread of the pool waits, for 30 s at most, until the round trip is over.
    for _ in 0..<width {
      Task.detached {
        held.withLock { $0 += 1 }
        _ = release.wait(timeout: .now() + 30)
        held.withLock { $0 -= 1 }
      }
    }
    let waiting = Task(executorPreference: .exec) { await api.invoke(Self.invocation("req-6")) }
    await withCheckedContinuation { continuation in
      Thread.detachNewThread {
        done.wait()
        continuation.resume()
      }
    }
    let (result, heldDuringTheRoundTrip) = try #require(outcome.withLock { $0 })
    #expect(try result.get().status == 202)
    #expect(heldDuringTheRoundTrip)
    #expect(await waiting.value == .response(Array("1".utf8)))
  }
}

/// A value shared between threads, behind a lock (a `Mutex` that escaping closures can capture).
final class Locked<T>: Sendable {
  private let mutex: Mutex<T>
  init(_ value: sending T) { mutex = Mutex(value) }
  func withLock<R>(_ body: (inout sending T) -> sending R) -> sending R { mutex.withLock(body) }
}
