import Foundation
import RetryCore
import Testing

@testable import RetryIO

/// `variants:`: other handlers of a scenario, read like `handler:`, each error one line at its
/// place; and `NAME@VARIANT` as the command line writes a scenario with a variant.
@Suite struct ScenarioLoaderVariantTests {
  /// A scenario whose `variants:` section is `variants` (indented by two, as under `variants:`).
  static func yaml(_ variants: String) -> String {
    """
    name: t
    tables: [{name: users, partitionKey: id}]
    endpoints: [{name: hook, url: "https://hook.test"}]
    handler:
      - name: save
        put: {table: users, item: {id: "${event.id}"}}
      - return: 1
    variants:
    \(variants)
    invocations: [{id: A, type: Event, payload: {id: u1}}]
    """
  }

  @Test func variantsLoadWithTheirLessonsAndHandlers() throws {
    let scenario = try loadScenario(
      Self.yaml(
        """
          - name: post-first
            lesson: >
              Post, then save.
            handler:
              - name: tell
                post: {endpoint: hook, body: {id: "${event.id}"}}
              - name: save
                put: {table: users, item: {id: "${event.id}"}}
          - name: v2
            handler: [{return: 2}]
        """))
    #expect(scenario.variants.map(\.name) == ["post-first", "v2"])
    #expect(scenario.variants.map(\.lesson) == ["Post, then save.", ""])
    #expect(scenario.variants[0].handler.steps.map(render) == [
      #"post hook body={"id":<text>} onError=throw name=tell"#, #"put users item={"id":<text>} name=save"#,
    ])
    #expect(scenario.variants[1].handler.steps.map(render) == ["return 2"])
    // The scenario's own handler is untouched.
    #expect(scenario.handler.steps.map(\.label) == ["save", "return"])
  }

  @Test func aScenarioWithoutVariantsHasNone() throws {
    let scenario = try loadScenario("name: t\nhandler: [{return: 1}]\ninvocations: [{id: A, type: Event}]\n")
    #expect(scenario.variants.isEmpty)
  }

  /// Each handler has its own step names; faults may name a step of any of them, and `step: k`
  /// may reach the end of the longest.
  @Test func faultsMayNameTheStepsOfEveryHandler() throws {
    let variant = """
        - name: long
          handler:
            - {name: save, put: {table: users, item: {id: "${event.id}"}}}
            - {name: tell, post: {endpoint: hook}}
            - {log: done}
            - {return: 1}
      """
    let scenario = try loadScenario(Self.yaml(variant) + "\nfaults: [{after: tell, kind: crash}, {step: 5}]\n")
    #expect(scenario.faults.map(\.point) == [.after("tell"), .beforeStep(5)])
    let tooFar = Self.yaml(variant) + "\nfaults: [{step: 6}]\n"
    #expect(
      loadError(tooFar) == "test.yaml:16:17: step: 6 is past the end of the handler; its longest path runs 4 steps, so use 1-5")
    let unknown = Self.yaml(variant) + "\nfaults: [{after: tel}]\n"
    #expect(loadError(unknown) == "test.yaml:16:18: after: no step is named 'tel'; did you mean 'tell'?")
  }

  // MARK: errors, one line each

  @Test func unknownKeyInAVariant() {
    let yaml = Self.yaml("  - {name: v, lesson: x, handlr: [{return: 1}]}")
    #expect(loadError(yaml) == "test.yaml:9:26: unknown key 'handlr' in a handler variant; did you mean 'handler'?")
  }

  @Test func missingHandlerInAVariant() {
    #expect(loadError(Self.yaml("  - {name: v, lesson: x}")) == "test.yaml:9:5: missing required key 'handler' in a handler variant")
  }

  @Test func missingNameOfAVariant() {
    #expect(loadError(Self.yaml("  - {handler: [{return: 1}]}")) == "test.yaml:9:5: missing required key 'name' in a handler variant")
  }

  @Test func duplicateVariantName() {
    let yaml = Self.yaml(
      """
        - {name: v, handler: [{return: 1}]}
        - {name: v, handler: [{return: 2}]}
      """)
    #expect(loadError(yaml) == "test.yaml:10:12: name: variant 'v' is already declared at line 9")
  }

  @Test(arguments: ["Mark_First", "mark--first", "-mark", "mark-", "mark first", "ärger"])
  func variantNameMustBeKebabCase(_ name: String) {
    let yaml = Self.yaml("  - {name: \"\(name)\", handler: [{return: 1}]}")
    #expect(
      loadError(yaml)
        == "test.yaml:9:12: name: '\(name)' must be kebab-case: lowercase words of letters and digits joined by '-' (mark-first)")
  }

  @Test func aStepErrorInsideAVariantPointsIntoIt() {
    let yaml = Self.yaml(
      """
        - name: v
          handler:
            - get: {table: usrs, key: {id: 1}}
      """)
    #expect(loadError(yaml) == "test.yaml:11:22: table: 'usrs' is not declared in tables; did you mean 'users'?")
  }

  @Test func stepNamesAreUniqueWithinAVariant() {
    let yaml = Self.yaml(
      """
        - name: v
          handler:
            - {name: save, log: a}
            - {name: save, log: b}
      """)
    #expect(loadError(yaml) == "test.yaml:12:16: name: step name 'save' is already used at line 11")
  }

  @Test func resultNamesAreAVariantsOwn() {
    // `user` is defined only in the scenario's handler: in the variant it is unknown.
    let yaml = """
      name: t
      tables: [{name: users, partitionKey: id}]
      handler:
        - {get: {table: users, key: {id: 1}}, as: user}
        - {return: "${user}"}
      variants:
        - {name: v, handler: [{return: "${user}"}]}
      invocations: [{id: A, type: Event}]
      """
    #expect(loadError(yaml) == "test.yaml:7:37: unknown name 'user' in template; known names: event, clock, clockMillis, requestId, last, context")
  }

  @Test func anEmptyVariantHandler() {
    #expect(loadError(Self.yaml("  - {name: v, handler: []}")) == "test.yaml:9:24: handler: needs at least one step")
  }

  @Test func variantsMustBeAListOfMappings() {
    #expect(loadError(Self.yaml("  fixed: [{return: 1}]")) == "test.yaml:9:3: variants: expected a list, got a mapping")
    #expect(loadError(Self.yaml("  - fixed")) == "test.yaml:9:5: variants: expected a handler variant (a mapping), got 'fixed'")
  }

  /// The example of "variants" in docs/scenario-format.md loads, so the documentation cannot drift.
  @Test func theDocumentedExampleLoads() throws {
    let text = try documentation("scenario-format.md")
    let start = try #require(text.range(of: "\n## variants\n"))
    let end = try #require(text.range(of: "\n## invocations\n", range: start.upperBound..<text.endIndex))
    let blocks = text[start.upperBound..<end.lowerBound].split(separator: "```yaml\n").dropFirst()
    let block = try #require(blocks.first).prefix { $0 != "`" }
    let prefix = """
      name: doc
      tables: [{name: dedup, partitionKey: id}]
      endpoints: [{name: slack, url: "https://hooks.slack.test"}]
      handler: [{return: 1}]
      invocations: [{id: A, type: Event, payload: {id: m, text: t}}]

      """
    let scenario = try loadScenario(prefix + block, file: "scenario-format.md")
    #expect(scenario.variants.map(\.name) == ["mark-first"])
    #expect(scenario.variants[0].handler.steps.map(\.label) == ["mark-sent", "if", "post-to-slack"])
  }

  // MARK: NAME@VARIANT

  @Test func theCommandLineWritesAVariantAfterAnAt() {
    #expect(BuiltinScenarios.splitVariant("slack-at-least-once@mark-first") == ("slack-at-least-once", "mark-first"))
    #expect(BuiltinScenarios.splitVariant("mine.yaml@v2") == ("mine.yaml", "v2"))
    #expect(BuiltinScenarios.splitVariant("create-user") == ("create-user", nil))
    // Only a kebab-case name after the last '@' is a variant: paths with an '@' stay paths.
    #expect(BuiltinScenarios.splitVariant("/home/a@b/x.yaml") == ("/home/a@b/x.yaml", nil))
    #expect(BuiltinScenarios.splitVariant("v@2.yaml") == ("v@2.yaml", nil))
    #expect(BuiltinScenarios.splitVariant("@mark-first") == ("@mark-first", nil))
    #expect(BuiltinScenarios.splitVariant("slack@") == ("slack@", nil))
  }

  @Test func resolveAppliesTheVariant() throws {
    let written = try BuiltinScenarios.resolve("slack-at-least-once@mark-first")
    let option = try BuiltinScenarios.resolve("slack-at-least-once", variant: "mark-first")
    #expect(written.runName == "slack-at-least-once@mark-first")
    #expect(option.runName == "slack-at-least-once@mark-first")
    #expect(written.handler.steps.map(\.label) == ["mark-sent", "if", "post-to-slack", "return"])
    #expect(try BuiltinScenarios.resolve("slack-at-least-once").variant == nil)
  }

  @Test func resolveRefusesUnknownVariantsInOneLine() {
    func message(_ argument: String, _ variant: String? = nil) -> String? {
      do {
        _ = try BuiltinScenarios.resolve(argument, variant: variant)
        return nil
      } catch {
        return error.description
      }
    }
    #expect(message("slack-at-least-once@mark-frist") == "unknown variant 'mark-frist' of slack-at-least-once; did you mean: mark-first?")
    #expect(message("create-user", "fixed") == "unknown variant 'fixed' of create-user: it has no handler variants")
    #expect(
      message("slack-at-least-once@mark-first", "mark-first")
        == "'slack-at-least-once@mark-first' already names a variant; give --variant or NAME@VARIANT, not both")
    #expect(message("slack-at-least-onse@mark-first")?.hasPrefix("unknown scenario 'slack-at-least-onse'; did you mean") == true)
  }

  /// The built-in variants: the other slack scenario's order, each with a one-sentence lesson.
  @Test func theSlackScenariosCarryEachOthersOrderAsAVariant() throws {
    let mostOnce = try BuiltinScenarios.load(named: "slack-at-most-once")
    let leastOnce = try BuiltinScenarios.load(named: "slack-at-least-once")
    #expect(mostOnce.variants.map(\.name) == ["post-first"])
    #expect(leastOnce.variants.map(\.name) == ["mark-first"])
    #expect(mostOnce.variants[0].handler.steps.map(\.label) == leastOnce.handler.steps.map(\.label))
    #expect(leastOnce.variants[0].handler.steps.map(\.label) == mostOnce.handler.steps.map(\.label))
    for variant in mostOnce.variants + leastOnce.variants {
      #expect(variant.lesson.hasSuffix("."))
      #expect(variant.lesson.filter { $0 == "." }.count == 1, "one sentence: \(variant.lesson)")
    }
  }
}
