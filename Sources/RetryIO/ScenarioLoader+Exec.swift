import Foundation
import RetryCore

/// `handler: {exec: {runtime, handler, code}}`: a real handler, run by `retryscope exec`.
extension ScenarioLoader.Session {
  static let execKeys = ["runtime", "handler", "code", "client"]
  static let execRuntimes = ["python", "nodejs"]
  static let execClients = ["retryscope", "awslambdaric"]

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
    var client = "retryscope"
    if let clientNode = fields["client"] {
      client = try clientNode.line("client", expected: "a runtime client")
      guard Self.execClients.contains(client) else {
        throw clientNode.error("client: \(quoted(client)) is not supported; use retryscope or awslambdaric")
      }
      guard client == "retryscope" || runtime == "python" else {
        throw clientNode.error("client: awslambdaric is a Python runtime client; runtime \(runtime) runs with RetryScope's own (client: retryscope)")
      }
    }
    let handlerNode = try fields.required("handler")
    let handler = try handlerNode.line("handler", expected: runtime == "python" ? "module.function" : "file.export")
    if let problem = ExecHandlerName.problem(handler, runtime: runtime) { throw handlerNode.error("handler: \(problem)") }
    let codeNode = try fields.required("code")
    let code = try codeNode.line("code", expected: "a folder")
    let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
    let resolved = URL(fileURLWithPath: code, relativeTo: folder).standardizedFileURL.path
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isFolder), isFolder.boolValue else {
      throw codeNode.error("code: no such folder: \(resolved)")
    }
    return ExecHandler(runtime: runtime, handler: handler, code: resolved, client: client)
  }
}
