import Foundation
import RetryCore
import Testing
@testable import RetryScopeCLI

/// `retryscope run <scenario> --format logs`: the CloudWatch logs of a simulated run.
@Suite struct LogsCommandTests {
  @Test func rawLogsOfAnAsyncEventRetriedTwice() {
    let result = RetryScope.execute(["run", "async-retries-dlq", "--format", "logs", "--log-format", "raw"])
    #expect(result.exitCode == 0)
    #expect(result.stderr.isEmpty)
    let lines = result.stdout.split(separator: "\n").map(String.init)
    let starts = lines.filter { $0.hasPrefix("START RequestId: ") }
    #expect(starts.count == 3)
    #expect(Set(starts).count == 1, "Lambda's async retries keep the request id")
    #expect(lines.filter { $0.hasPrefix("END RequestId: ") }.count == 3)
    #expect(lines.filter { $0.hasPrefix("REPORT RequestId: ") }.count == 3)
    #expect(lines.first?.hasPrefix("INIT_START Runtime Version: nodejs:") == true)
    #expect(lines.contains { $0.hasSuffix("\tINFO\t{\"event\":{\"orderId\":\"o-42\",\"amount\":30},\"invocation\":\"A\"}") })
    #expect(lines.filter { $0.contains("\tERROR\tInvoke Error \t{\"errorType\":\"HTTPError\"") }.count == 3)
    // Deterministic: the same bytes every run.
    #expect(result == RetryScope.execute(["run", "async-retries-dlq", "--format", "logs", "--log-format", "raw"]))
  }

  @Test func defaultLogFormatIsFilterLogEventsPages() throws {
    let result = RetryScope.execute(["run", "async-retries-dlq", "--format", "logs"])
    #expect(result.exitCode == 0)
    let page = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let events = try #require(page["events"] as? [[String: Any]])
    #expect(events.count == 3 * 6 + 1, "six lines an execution and one INIT_START")
    #expect(page["nextToken"] == nil)
  }

  @Test func optionsSelectRuntimeAndTimeoutStyle() {
    let result = RetryScope.execute([
      "run", "newsletter-post", "--format", "logs", "--log-format", "raw", "--runtime", "python", "--timeout-style",
      "task-timed-out",
    ])
    #expect(result.exitCode == 0)
    #expect(result.stdout.contains("[INFO]\t"))
    #expect(result.stdout.contains(" Task timed out after 3.00 seconds\n"))
    #expect(!result.stdout.contains("Status: "))
    let json = RetryScope.execute(["run", "newsletter-post", "--format", "logs", "--log-format", "json-lines"])
    #expect(json.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") })
  }

  @Test(arguments: [
    (["--log-format", "raw"], "error: --log-format needs --format logs\n"),
    (["--timeout-style", "status"], "error: --timeout-style needs --format logs\n"),
    (["--runtime", "python", "--format", "json"], "error: --runtime needs --format logs\n"),
    (["--format", "logs", "--at", "3"], "error: --at needs --format frame\n"),
  ])
  func logOptionsWithoutLogsAreOneLineErrors(arguments: [String], message: String) {
    let result = RetryScope.execute(["run", "async-retries-dlq"] + arguments)
    #expect(result.exitCode == 2)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr == message)
  }

  @Test func anUnknownLogFormatListsTheValues() {
    let result = RetryScope.execute(["run", "async-retries-dlq", "--format", "logs", "--log-format", "csv"])
    #expect(result.exitCode == 2)
    #expect(result.stderr.contains("'--log-format <log-format>'"))
    #expect(result.stderr.contains("raw") && result.stderr.contains("json-lines"))
  }

  @Test func helpDocumentsTheLogOptions() {
    let help = RetryScope.execute(["run", "--help"]).stdout
    for option in ["--log-format", "--timeout-style", "--runtime", "logs:", "json-lines", "task-timed-out"] {
      #expect(help.contains(option), "help lacks \(option)")
    }
  }
}
