import RetryCore

/// `variants:`: other handlers for the same story, each `{name, lesson, handler}`. A variant's
/// `handler` is read exactly as the top-level one (the same steps, the same checks), with step
/// and result names of its own: a variant may reuse its scenario's step names, so that a fault
/// `after: post-to-slack` strikes in whichever handler runs that step.
extension ScenarioLoader.Session {
  static let variantKeys = ["name", "lesson", "handler"]

  func variants(_ node: YAMLNode) throws(ScenarioError) -> [HandlerVariant] {
    // Faults are read after the variants: they may name a step of any handler, and `step: k`
    // may reach the end of the longest one.
    var allStepNames = stepNames
    var longestPath = longestHandlerPath
    var declared: [(name: String, location: SourceLocation)] = []
    var variants: [HandlerVariant] = []
    for item in try items(node, section: "variants", itemName: "a handler variant") {
      let fields = try item.mapping("a handler variant", keys: Self.variantKeys)
      let nameNode = try fields.required("name")
      let name = try nameNode.line("name", expected: "a variant name")
      guard ScenarioLoader.isKebabCase(name) else {
        throw nameNode.error("name: \(quoted(name)) must be kebab-case: lowercase words of letters and digits joined by '-' (mark-first)")
      }
      if let first = firstDeclaration(of: name, in: declared) {
        throw nameNode.error("name: variant \(quoted(name)) is already declared at line \(first.line)")
      }
      declared.append((name, nameNode.location))
      let lesson = try fields["lesson"].map { node throws(ScenarioError) in try self.lesson(node) } ?? ""
      stepNames = []
      allResultNames = [:]
      let handler = try handler(fields.required("handler"))
      for step in stepNames where firstDeclaration(of: step.name, in: allStepNames) == nil { allStepNames.append(step) }
      longestPath = max(longestPath, longestHandlerPath)
      variants.append(HandlerVariant(name: name, lesson: lesson, handler: handler))
    }
    stepNames = allStepNames
    longestHandlerPath = longestPath
    return variants
  }
}

extension ScenarioLoader {
  /// `mark-first`, `v2`: lowercase letters and digits, words joined by single hyphens. What a
  /// variant name must be, and so what `NAME@VARIANT` on the command line looks for.
  static func isKebabCase(_ name: String) -> Bool {
    name.split(separator: "-", omittingEmptySubsequences: false).allSatisfy { word in
      !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) }
    }
  }
}
