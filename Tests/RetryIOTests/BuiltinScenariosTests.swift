import Foundation
import RetryCore
import Testing

@testable import RetryIO

@Suite struct BuiltinScenariosTests {
  /// Every file in Resources/scenarios is embedded and listed (BuiltinScenarioFiles.all is kept by hand).
  @Test func namesListEveryFileInResources() throws {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Resources/scenarios")
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
      .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    #expect(files.count == 27)
    #expect(BuiltinScenarios.names == files)
    for name in files {
      let onDisk = try String(contentsOf: directory.appendingPathComponent(name + ".yaml"), encoding: .utf8)
      #expect(BuiltinScenarios.yaml(named: name) == onDisk, "embedded \(name).yaml differs from the file")
    }
  }

  @Test(arguments: BuiltinScenarios.names)
  func everyBuiltinLoads(name: String) throws {
    let scenario = try BuiltinScenarios.load(named: name)
    #expect(scenario.name == name)
    #expect(!scenario.title.isEmpty)
    #expect(!scenario.lesson.isEmpty)
  }

  @Test func echoIsOneEventInvocationWhoseFirstAttemptCrashes() throws {
    let scenario = try BuiltinScenarios.load(named: "echo")
    #expect(scenario.invocations.count == 1)
    #expect(scenario.invocations[0].id == "A")
    #expect(scenario.invocations[0].type == .event)
    #expect(scenario.invocations[0].payload == ["a": 7])
    #expect(scenario.faults.count == 1)
    #expect(scenario.faults[0].attempt == 1)
    #expect(scenario.faults[0].kind == .crash)
    #expect(scenario.handler.steps.count == 1)
    guard case .respond = scenario.handler.steps[0].action else {
      Issue.record("expected a return step")
      return
    }
  }

  @Test func yamlText() throws {
    let yaml = try #require(BuiltinScenarios.yaml(named: "square"))
    #expect(yaml.hasPrefix("name: square\n"))
    #expect(yaml.contains(#"return: {b: "${event.a * event.a}"}"#))
    #expect(BuiltinScenarios.yaml(named: "nope") == nil)
  }

  @Test func unknownNameWithSuggestion() {
    #expect(resolveError("ecko") == "unknown scenario 'ecko'; did you mean: echo? (retryscope list shows all)")
    #expect(resolveError("squar") == "unknown scenario 'squar'; did you mean: square? (retryscope list shows all)")
  }

  @Test func aFragmentSuggestsTheNamesThatContainIt() {
    #expect(resolveError("slack") == "unknown scenario 'slack'; did you mean: slack-at-least-once, slack-at-most-once? (retryscope list shows all)")
    #expect(resolveError("user") == "unknown scenario 'user'; did you mean: create-user, user-exists? (retryscope list shows all)")
  }

  @Test func unknownNameWithoutSuggestion() {
    #expect(resolveError("xyz") == "unknown scenario 'xyz'; retryscope list shows the built-in scenarios")
    do {
      _ = try BuiltinScenarios.load(named: "xyz")
      Issue.record("expected an error")
    } catch {
      #expect(error.location == nil)
      #expect(error.file == nil)
    }
  }

  @Test func pathsAreLoadedAsFiles() throws {
    #expect(resolveError("missing.yaml") == "missing.yaml: cannot read file: No such file or directory")
    #expect(resolveError("missing.yml") == "missing.yml: cannot read file: No such file or directory")
    #expect(resolveError("dir/echo") == "dir/echo: cannot read file: No such file or directory")
    let path = NSTemporaryDirectory() + "/retryscope-resolve-\(UInt32.random(in: 0...UInt32.max)).yaml"
    FileManagerShim.write("name: from-file\ninvocations: [{id: A, type: Event}]\nhandler: [{return: 1}]\n", to: path)
    defer { FileManagerShim.remove(path) }
    #expect(try BuiltinScenarios.resolve(path).name == "from-file")
  }

  @Test func builtinErrorsNameTheBuiltinFile() {
    let files: [(name: String, yaml: [UInt8])] = [("broken", Array("name: broken\nfunction: {timeout: 0}\n".utf8))]
    do {
      _ = try BuiltinScenarios.load(named: "broken", in: files)
      Issue.record("expected an error")
    } catch {
      #expect(error.description == "builtin:broken.yaml:2:21: timeout: 0 is outside AWS's range 1-900 seconds")
    }
  }

  @Test func suggestionsListEveryCloseName() {
    let files: [(name: String, yaml: [UInt8])] = [("create-user", []), ("crate-user", []), ("status-a", []), ("status-b", [])]
    do {
      _ = try BuiltinScenarios.load(named: "crate-usr", in: files)
      Issue.record("expected an error")
    } catch {
      #expect(error.description == "unknown scenario 'crate-usr'; did you mean: crate-user? (retryscope list shows all)")
    }
    do {
      _ = try BuiltinScenarios.load(named: "status-c", in: files)
      Issue.record("expected an error")
    } catch {
      #expect(error.description == "unknown scenario 'status-c'; did you mean: status-a, status-b? (retryscope list shows all)")
    }
  }

  func resolveError(_ nameOrPath: String) -> String? {
    do {
      _ = try BuiltinScenarios.resolve(nameOrPath)
      return nil
    } catch {
      return error.description
    }
  }
}
