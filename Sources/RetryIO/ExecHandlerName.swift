/// The `Handler` setting of a real handler, checked as Lambda's runtimes read it, so that a name
/// they would refuse is one clear line at load time rather than an init error at the first run.
///
/// - Python (Lambda's runtime and awslambdaric, `_get_handler`): `modname, fname =
///   handler.rsplit(".", 1)`, then `importlib.import_module(modname.replace("/", "."))`: a module
///   in a folder is `pkg/module.handler` or `pkg.module.handler` (each folder a package).
///   Source: https://github.com/aws/aws-lambda-python-runtime-interface-client
///   (awslambdaric/bootstrap.py; issue #43: `src/hello_world.app.lambda_handler` runs on Lambda),
///   https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html#naming
/// - Node.js (aws-lambda-nodejs-runtime-interface-client, UserFunction.js): a handler holding
///   `..` is refused; the folder is everything before the last `/` (`src/` in
///   `src/index.handler`), the file the part of the rest before its first `.`, then the export's
///   property path. Source: https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
enum ExecHandlerName {
  /// Why `handler` is not a handler name for `runtime`, or nil when it is one.
  static func problem(_ handler: String, runtime: String) -> String? {
    runtime == "python" ? pythonProblem(handler) : nodeProblem(handler)
  }

  private static func isName(_ part: Substring) -> Bool {
    !part.isEmpty && part.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
  }

  private static func pythonProblem(_ handler: String) -> String? {
    let wrong =
      "\(quoted(handler)) is not module.function: write app.handler, or pkg/module.handler or pkg.module.handler for a module in a folder"
    guard let dot = handler.lastIndex(of: ".") else { return wrong }
    let module = handler[..<dot]
    let function = handler[handler.index(after: dot)...]
    guard isName(function) else { return wrong }
    let parts = module.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "." }
    guard parts.allSatisfy(isName) else { return wrong }
    return nil
  }

  private static func nodeProblem(_ handler: String) -> String? {
    if handler.contains("..") {
      return "\(quoted(handler)) is not a valid handler name: Lambda refuses '..' in a handler (the folder is relative to the code)"
    }
    let wrong = "\(quoted(handler)) is not file.export: write index.handler, or src/index.handler for a file in a folder"
    let folders = handler.split(separator: "/", omittingEmptySubsequences: false)
    guard let base = folders.last, folders.dropLast().allSatisfy({ !$0.isEmpty }) else { return wrong }
    let parts = base.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty }),
      parts.dropFirst().allSatisfy({ $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" } })
    else { return wrong }
    return nil
  }
}
