import Foundation
import RetryCore
import Testing

@testable import RetryExec

/// Handlers in folders, as Lambda's runtimes load them: Python `pkg/module.handler` and
/// `pkg.module.handler`, Node.js `src/index.handler` (docs: ExecHandlerName).
@Suite(.serialized) struct HandlerFolderTests {
  static func withFiles<T>(_ files: [String: String], _ body: (String) async throws -> T) async throws -> T {
    let folder = NSTemporaryDirectory() + "retryscope-folders-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for (name, source) in files {
      let path = folder + "/" + name
      try FileManager.default.createDirectory(
        atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
      try source.write(toFile: path, atomically: true, encoding: .utf8)
    }
    return try await withTaskExecutorPreference(ExecTaskExecutor.shared) { try await body(folder) }
  }

  static func response(_ spec: HandlerSpec) async throws -> RuntimeResult {
    let host = ProcessHost(spec: spec, endpoints: [])
    let report = try await host.execute(PythonRuntimeTests.invocation("req-1"))
    await host.shutdown()
    return report.result
  }

  @Test func pythonModulesInFoldersLoadBothWays() async throws {
    try await Self.withFiles(["pkg/module.py": "def handler(event, context):\n    return 'pkg ' + __name__\n"]) { code in
      for handler in ["pkg/module.handler", "pkg.module.handler"] {
        let result = try await Self.response(HandlerSpec(runtime: .python, handler: handler, codePath: code))
        #expect(result == .response(Array(#""pkg pkg.module""#.utf8)), "\(handler)")
      }
    }
  }

  @Test func aNodeFileInAFolderLoads() async throws {
    try await Self.withFiles([
      "src/index.mjs": "export const handlers = { create: async () => 'created in src' };\n",
      "src/lib/util.cjs": "exports.handler = async () => 'cjs in src/lib';\n",
    ]) { code in
      let created = try await Self.response(HandlerSpec(runtime: .nodejs, handler: "src/index.handlers.create", codePath: code))
      #expect(created == .response(Array(#""created in src""#.utf8)))
      let util = try await Self.response(HandlerSpec(runtime: .nodejs, handler: "src/lib/util.handler", codePath: code))
      #expect(util == .response(Array(#""cjs in src/lib""#.utf8)))
    }
  }

  /// `..` in a Node handler is refused at init, in Lambda's words.
  @Test func aNodeHandlerWithDotDotIsAMalformedHandlerName() async throws {
    try await Self.withFiles(["index.mjs": "export const handler = async () => 1;\n"]) { code in
      let result = try await Self.response(HandlerSpec(runtime: .nodejs, handler: "../x/index.handler", codePath: code))
      guard case .initError(let type, let body) = result else {
        Issue.record("expected an init error, got \(result)")
        return
      }
      #expect(type == "Runtime.MalformedHandlerName")
      #expect(
        String(decoding: body, as: UTF8.self).contains(
          "'../x/index.handler' is not a valid handler name. Use absolute paths when specifying root directories in handler names."))
    }
  }
}
