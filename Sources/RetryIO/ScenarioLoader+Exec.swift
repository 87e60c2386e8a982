import Foundation
import RetryCore

/// `handler: {exec: {runtime, handler, code}}`: a real handler, run by `retryscope exec`.
extension ScenarioLoader.Session {
  static let execKeys = ["runtime", "handler", "code"]
  static let execRuntimes = ["python", "nodejs"]

  /// The exec handler, or nil when `handler:` is a list of steps.
  func execHandler(_ node: YAMLNode) throws(ScenarioError) -> ExecHandler? {
    guard node.node.mapping != nil else { return nil }
    let outer = try node.mapping("handler", keys: ["exec"], expected: "a list of steps, or 'exec'")
    let execNode = try outer.required("exec")
    let fields = try execNode.mapping("exec", keys: Self.execKeys)

    let runtimeNode = try fields.required("runtime")
    let runtime = try runtimeNode.line("runtime", expected: "a runtime")
    guard Self.execRuntimes.contains(runtime) else {
      throw runtimeNode.error("runtime: \(quoted(runtime)) is not supported; use python or nodejs")
    }
    let handlerNode = try fields.required("handler")
    let handler = try handlerNode.line("handler", expected: "module.function")
    let parts = handler.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } })
    else {
      throw handlerNode.error("handler: \(quoted(handler)) is not module.function (app.handler)")
    }
    let codeNode = try fields.required("code")
    let code = try codeNode.line("code", expected: "a folder")
    let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
    let resolved = URL(fileURLWithPath: code, relativeTo: folder).standardizedFileURL.path
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isFolder), isFolder.boolValue else {
      throw codeNode.error("code: no such folder: \(resolved)")
    }
    return ExecHandler(runtime: runtime, handler: handler, code: resolved)
  }
}
