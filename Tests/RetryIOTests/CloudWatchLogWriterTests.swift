import Foundation
import RetryCore
import RetryTestSupport
import Testing

@testable import RetryIO

/// The CloudWatch logs a simulated trace renders to: the lines each execution writes, the
/// execution environments (streams and cold starts), the four containers, and streaming.
@Suite struct CloudWatchLogWriterTests {
  typealias Options = CloudWatchLogWriter.Options

  static func trace(_ name: String, seed: UInt64? = nil) throws -> Trace {
    Simulator(scenario: try BuiltinScenarios.load(named: name), seed: seed).run()
  }

  static func logs(_ trace: Trace, _ options: Options = Options(format: .raw)) -> String {
    CloudWatchLogWriter(trace: trace, options: options).text()
  }

  static func lines(_ trace: Trace, _ options: Options = Options(format: .raw)) -> [String] {
    logs(trace, options).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
  }

  /// The JSON documents of `text`, one after another (`filter-log-events` pages).
  static func documents(_ text: String) throws -> [Value] {
    let bytes = Array(text.utf8)
    return try bytes.withUnsafeBufferPointer { buffer in
      var values: [Value] = []
      var offset = 0
      while true {
        while offset < buffer.count, [0x20, 0x0a, 0x0d, 0x09].contains(buffer[offset]) { offset += 1 }
        if offset == buffer.count { break }
        let (value, end) = try JSONParser.parsePrefix(buffer, from: offset)
        values.append(value)
        offset = end
      }
      return values
    }
  }

  struct Event {
    var stream: String
    var timestamp: Int
    var message: String
    var ingestionTime: Int
    var eventId: String
  }

  /// The events of `filter-log-events` pages, in order.
  static func events(_ pages: [Value]) throws -> [Event] {
    try pages.flatMap { page -> [Event] in
      guard case .list(let events) = try #require(page["events"]) else { return [] }
      return try events.map { event in
        guard case .string(let stream) = try #require(event["logStreamName"]),
          case .int(let timestamp) = try #require(event["timestamp"]),
          case .string(let message) = try #require(event["message"]),
          case .int(let ingestion) = try #require(event["ingestionTime"]),
          case .string(let id) = try #require(event["eventId"])
        else { throw ShapeError() }
        return Event(stream: stream, timestamp: timestamp, message: message, ingestionTime: ingestion, eventId: id)
      }
    }
  }

  struct ShapeError: Error {}

  static func startIds(_ lines: [String]) -> [String] {
    lines.filter { $0.hasPrefix("START RequestId: ") }.map { String($0.dropFirst(17).prefix(36)) }
  }

  // MARK: Request ids, START, END, REPORT

  @Test func asyncRetriesKeepTheRequestIdInEveryStart() throws {
    let trace = try Self.trace("async-retries-dlq")
    let ids = Self.startIds(Self.lines(trace))
    #expect(ids.count == 3)
    #expect(Set(ids) == [trace.attempts[0].requestId])
    #expect(trace.attempts.allSatisfy { $0.requestId == trace.attempts[0].requestId })
  }

  @Test func clientRetriesStartWithNewRequestIds() throws {
    let trace = try Self.trace("sync-timeout-retry")
    #expect(Self.startIds(Self.lines(trace)) == trace.attempts.map(\.requestId))
  }

  @Test(arguments: ["sync-timeout-retry", "async-retries-dlq", "create-user", "newsletter-post", "sync-error", "sqs-redrive"])
  func everyStartHasAnEndAndAReportInItsStream(name: String) throws {
    let trace = try Self.trace(name)
    let events = try Self.events(try Self.documents(Self.logs(trace, Options())))
    var open: [String: String] = [:]  // stream -> request id of the running execution
    var reports = 0
    var pendingReport: [String: String] = [:]
    for event in events {
      let message = event.message
      if message.hasPrefix("START RequestId: ") {
        #expect(open[event.stream] == nil, "\(name): START before the previous END in \(event.stream)")
        #expect(pendingReport[event.stream] == nil)
        open[event.stream] = String(message.dropFirst(17).prefix(36))
      } else if message.hasPrefix("END RequestId: ") {
        let id = String(message.dropFirst(15).prefix(36))
        #expect(open[event.stream] == id, "\(name): END without START")
        open[event.stream] = nil
        pendingReport[event.stream] = id
      } else if message.hasPrefix("REPORT RequestId: ") {
        let id = String(message.dropFirst(18).prefix(36))
        #expect(pendingReport[event.stream] == id, "\(name): REPORT without END")
        pendingReport[event.stream] = nil
        reports += 1
      }
    }
    #expect(open.isEmpty && pendingReport.isEmpty)
    #expect(reports == trace.attempts.filter { $0.outcome != .throttled }.count)
  }

  @Test func throttledAttemptsWriteNothing() throws {
    let trace = try Self.trace("sync-error")
    let throttled = trace.attempts.filter { $0.outcome == .throttled }
    #expect(!throttled.isEmpty, "sync-error should have a throttled request")
    let text = Self.logs(trace)
    for attempt in throttled where !trace.attempts.contains(where: { $0.outcome != .throttled && $0.requestId == attempt.requestId }) {
      #expect(!text.contains(attempt.requestId))
    }
    #expect(Self.startIds(Self.lines(trace)).count == trace.attempts.count - throttled.count)
  }

  @Test func reportLinesAreTabSeparatedWithATrailingTab() throws {
    for name in ["sync-timeout-retry", "async-retries-dlq", "newsletter-post", "create-user"] {
      let trace = try Self.trace(name)
      for style in CloudWatchLogWriter.TimeoutStyle.allCases {
        let reports = Self.lines(trace, Options(format: .raw, timeoutStyle: style)).filter { $0.hasPrefix("REPORT ") }
        #expect(!reports.isEmpty)
        for report in reports {
          let fields = report.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
          #expect(fields.last == "", "no trailing tab: \(report)")
          #expect(fields[0].hasPrefix("REPORT RequestId: ") && fields[0].count == 18 + 36)
          #expect(fields[1].hasPrefix("Duration: ") && fields[1].hasSuffix(" ms"))
          #expect(fields[2].hasPrefix("Billed Duration: ") && fields[2].hasSuffix(" ms"))
          #expect(fields[3] == "Memory Size: 128 MB")
          #expect(fields[4].hasPrefix("Max Memory Used: ") && fields[4].hasSuffix(" MB"))
          let duration = try #require(Double(fields[1].dropFirst(10).dropLast(3)))
          #expect(fields[1].dropFirst(10).dropLast(3).split(separator: ".").last?.count == 2, "two decimals: \(fields[1])")
          let billed = try #require(Int(fields[2].dropFirst(17).dropLast(3)))
          let memory = try #require(Int(fields[4].dropFirst(17).dropLast(3)))
          #expect(ExecutionEnvironments.maxMemoryRange.contains(memory))
          var initDuration = 0.0
          var rest = Array(fields[5..<(fields.count - 1)])
          if let first = rest.first, first.hasPrefix("Init Duration: ") {
            initDuration = try #require(Double(first.dropFirst(15).dropLast(3)))
            #expect(initDuration >= 120 && initDuration <= 400)
            rest.removeFirst()
          }
          // Billed Duration = ceil(Init Duration + Duration), in hundredths to stay exact.
          let hundredths = Int((initDuration * 100).rounded()) + Int((duration * 100).rounded())
          #expect(billed == (hundredths + 99) / 100, "\(report)")
          switch style {
          case .taskTimedOutLine: #expect(rest.isEmpty, "\(report)")
          case .statusField:
            #expect(rest.isEmpty || rest == ["Status: timeout"] || rest == ["Status: error", "Error Type: Runtime.ExitError"])
          }
        }
      }
    }
  }

  // MARK: Execution environments

  /// Every stream's first execution, and the first after a timeout or a crash, is a cold start;
  /// no other is.
  @Test(arguments: ["sync-timeout-retry", "async-retries-dlq", "newsletter-post", "create-user", "status-previous-no"])
  func initDurationOnlyOnColdStarts(name: String) throws {
    let trace = try Self.trace(name)
    let events = try Self.events(try Self.documents(Self.logs(trace, Options())))
    var streamsSeen: Set<String> = []
    var resetStreams: Set<String> = []
    var initStarts: [String: Int] = [:]  // stream -> INIT_START count since the last REPORT
    var cold = 0
    for event in events {
      if event.message.hasPrefix("INIT_START ") { initStarts[event.stream, default: 0] += 1 }
      guard event.message.hasPrefix("REPORT ") else { continue }
      let expectCold = !streamsSeen.contains(event.stream) || resetStreams.contains(event.stream)
      #expect(event.message.contains("\tInit Duration: ") == expectCold, "\(name): \(event.message)")
      #expect(initStarts[event.stream, default: 0] == (expectCold ? 1 : 0))
      if expectCold { cold += 1 }
      initStarts[event.stream] = 0
      streamsSeen.insert(event.stream)
      if event.message.contains("Status: timeout") || event.message.contains("Error Type: Runtime.ExitError") {
        resetStreams.insert(event.stream)
      } else {
        resetStreams.remove(event.stream)
      }
    }
    #expect(cold >= streamsSeen.count)
  }

  @Test func aTimeoutResetsTheEnvironmentAndAnErrorDoesNot() throws {
    let timedOut = Self.lines(try Self.trace("newsletter-post")).filter { $0.hasPrefix("REPORT ") }
    #expect(timedOut.count == 2)
    #expect(timedOut.allSatisfy { $0.contains("\tInit Duration: ") }, "the retry after a timeout is a cold start")
    let failed = Self.lines(try Self.trace("async-retries-dlq")).filter { $0.hasPrefix("REPORT ") }
    #expect(failed.map { $0.contains("\tInit Duration: ") } == [true, false, false])
  }

  /// The placement rule on a trace built by hand: the first free environment in creation order,
  /// else a new one; a timeout makes the next execution in that environment a cold start.
  @Test func executionsTakeTheFirstFreeEnvironment() {
    func attempt(_ invocation: String, _ start: Int, _ end: Int, _ outcome: AttemptOutcome = .success) -> TraceAttempt {
      TraceAttempt(
        invocation: invocation, number: 1, requestId: "id-\(invocation)", start: start, end: end, outcome: outcome,
        caller: .client)
    }
    var trace = Trace(meta: TraceMeta(source: "scenario", scenario: "manual", origin: 1_568_970_000_000, functionName: "f"))
    trace.attempts = [
      attempt("A", 0, 100), attempt("B", 50, 150), attempt("T", 60, 60, .throttled), attempt("C", 120, 200),
      attempt("D", 150, 400, .timeout), attempt("E", 220, 420), attempt("F", 400, 450), attempt("R", 460, 470, .running),
    ]
    let environments = ExecutionEnvironments(trace: trace)
    let placed = environments.placements.map { (trace.attempts[$0.attempt].invocation, $0.environment, $0.isColdStart) }
    #expect(placed.map(\.0) == ["A", "B", "C", "D", "E", "F"])
    #expect(placed.map(\.1) == [0, 1, 0, 1, 0, 1])
    #expect(placed.map(\.2) == [true, true, false, false, false, true])
    #expect(environments.streams == [[0, 2, 4], [1, 3, 5]])
    // A reset environment's INIT_START never goes back before its previous execution ended.
    #expect(environments.placements[5].initStart == 400)
    #expect(environments.placements[1].initStart < 50)
  }

  @Test func streamNamesAreDatedAndDeterministic() throws {
    let trace = try Self.trace("sync-timeout-retry")
    let streams = Set(try Self.events(try Self.documents(Self.logs(trace, Options()))).map(\.stream))
    #expect(streams.count == 2, "A#3 reuses A#1's environment, A#2 overlaps both")
    for stream in streams {
      #expect(stream.hasPrefix("2019/09/20/[$LATEST]") || stream.hasPrefix("2019/09/19/[$LATEST]"))
      let hex = stream.split(separator: "]").last ?? ""
      #expect(hex.count == 32 && hex.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }
    let again = Set(try Self.events(try Self.documents(Self.logs(try Self.trace("sync-timeout-retry"), Options()))).map(\.stream))
    #expect(streams == again)
  }

  // MARK: Event and effect lines

  @Test(arguments: ["sync-timeout-retry", "async-retries-dlq", "create-user", "sqs-redrive", "cron-clock"])
  func everyEffectOfTheHandlerHasItsLine(name: String) throws {
    let trace = try Self.trace(name)
    let lines = Self.lines(trace)
    // Node.js application lines: <ts>\t<id>\tINFO\t<message>.
    let messages = lines.compactMap { line -> (id: String, text: String)? in
      let fields = line.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false)
      guard fields.count == 4, fields[2] == "INFO" else { return nil }
      return (String(fields[1]), String(fields[3]))
    }
    var effectObjects: [(id: String, value: Value)] = []
    for message in messages where message.text.hasPrefix("{\"effect\":") {
      effectObjects.append((message.id, try #require(try JSONParser.parse(message.text)["effect"])))
    }
    let handlerEffects = trace.effects.enumerated().filter { $0.element.invocation != nil && $0.element.kind != .log }
    #expect(effectObjects.count == handlerEffects.count)
    for ((index, effect), logged) in zip(handlerEffects, effectObjects) {
      let attempt = try #require(trace.attempts.first { $0.invocation == effect.invocation && $0.number == effect.attempt })
      #expect(logged.id == attempt.requestId)
      #expect(logged.value["kind"] == .string(effect.kind.rawValue))
      #expect(logged.value["target"] == .string(effect.target))
      #expect(logged.value["key"] == .string(effect.key))
      #expect(logged.value["step"] == effect.step.map { .string($0) })
      #expect(logged.value["detail"] == effect.detail.map { .string($0) })
      #expect(logged.value["record"] == trace.record(ofEffect: index).map { .string($0) })
    }
    // `log` effects are plain lines, and external writes are not logged.
    for effect in trace.effects where effect.kind == .log && effect.invocation != nil {
      #expect(messages.contains { $0.text == effect.detail })
    }
    #expect(!lines.contains { $0.contains("\"kind\":\"log\"") })
  }

  @Test func theEventLineFollowsEveryStart() throws {
    let trace = try Self.trace("async-retries-dlq")
    let lines = Self.lines(trace)
    for (position, line) in lines.enumerated() where line.hasPrefix("START ") {
      let next = lines[position + 1].split(separator: "\t", maxSplits: 3).map(String.init)
      #expect(next[2] == "INFO")
      #expect(try JSONParser.parse(next[3]) == ["event": ["orderId": "o-42", "amount": 30], "invocation": "A"])
    }
  }

  @Test func eventSourceBatchesNameTheirRecords() throws {
    let lines = Self.lines(try Self.trace("status-kinesis"))
    #expect(lines.contains { $0.contains("{\"event\":{\"Records\":[{\"eventID\":\"alice-1\"},{\"eventID\":\"bob-1\"}") })
    let sqs = Self.lines(try Self.trace("sqs-redrive"))
    #expect(sqs.contains { $0.hasSuffix("{\"event\":{\"Records\":[{\"messageId\":\"m1\"},{\"messageId\":\"m2\"},{\"messageId\":\"m3\"}]},\"invocation\":\"orders\"}") })
  }

  // MARK: Errors and timeouts

  @Test func timeoutStyles() throws {
    let trace = try Self.trace("newsletter-post")
    let timedOut = try #require(trace.attempts.first { $0.outcome == .timeout })

    let status = Self.lines(trace, Options(format: .raw, timeoutStyle: .statusField))
    #expect(!status.contains { $0.contains("Task timed out") })
    let statusReport = try #require(status.first { $0.hasPrefix("REPORT RequestId: \(timedOut.requestId)") })
    #expect(statusReport.hasSuffix("\tStatus: timeout\t"))

    let old = Self.lines(trace, Options(format: .raw, timeoutStyle: .taskTimedOutLine))
    #expect(!old.contains { $0.contains("Status: ") })
    let report = try #require(old.firstIndex { $0.hasPrefix("REPORT RequestId: \(timedOut.requestId)") })
    #expect(old[report - 1] == "END RequestId: \(timedOut.requestId)")
    let end = ISO8601.millis(trace.meta.origin + timedOut.end)
    #expect(old[report + 1] == "\(end) \(timedOut.requestId) Task timed out after 3.00 seconds")

    // In the events container the timeout line carries END's timestamp.
    let events = try Self.events(try Self.documents(Self.logs(trace, Options(timeoutStyle: .taskTimedOutLine))))
    let line = try #require(events.first { $0.message.contains("Task timed out") })
    let endEvent = try #require(events.first { $0.message == "END RequestId: \(timedOut.requestId)\n" })
    #expect(line.timestamp == endEvent.timestamp)
    #expect(line.timestamp == trace.meta.origin + timedOut.end)
  }

  @Test func errorAndCrashLines() throws {
    let failed = try Self.trace("async-retries-dlq")
    let error = try #require(Self.lines(failed).first { $0.contains("\tERROR\t") })
    let fields = error.split(separator: "\t", maxSplits: 4, omittingEmptySubsequences: false).map(String.init)
    #expect(fields[0] == ISO8601.millis(failed.meta.origin + failed.attempts[0].end))
    #expect(fields[1] == failed.attempts[0].requestId)
    #expect(fields[3] == "Invoke Error ")
    let body = try JSONParser.parse(fields[4])
    #expect(body["errorType"] == "HTTPError")
    #expect(body["errorMessage"] == .string(failed.attempts[0].errorMessage ?? ""))
    #expect(body["stack"]?.value(at: ["0"]) == .string("HTTPError: \(failed.attempts[0].errorMessage ?? "")"))

    let crashed = try Self.trace("create-user")
    let crash = try #require(crashed.attempts.first { $0.outcome == .crash })
    let text = Self.logs(crashed)
    #expect(text.contains("RequestId: \(crash.requestId) Error: Runtime exited with error: exit status 1\nRuntime.ExitError\nEND RequestId: \(crash.requestId)\n"))
    #expect(text.contains("\tStatus: error\tError Type: Runtime.ExitError\t\n"))
  }

  /// Only the platform's endings carry a status in REPORT (a timeout, a runtime that exited):
  /// an exception the handler throws leaves REPORT as an ordinary invoke's, as in real logs.
  /// A crash reads the same in the payload, the exit line and REPORT (today's wording).
  @Test func reportCarriesAStatusOnlyForRuntimeFailures() throws {
    let failed = try Self.trace("async-retries-dlq")
    let reports = Self.lines(failed).filter { $0.hasPrefix("REPORT ") }
    #expect(reports.count == 3)
    for report in reports {
      #expect(!report.contains("Status:"), "\(report)")
      #expect(!report.contains("Error Type:"), "\(report)")
    }

    let crashed = try Self.trace("create-user")
    let crash = try #require(crashed.attempts.first { $0.outcome == .crash })
    #expect(crash.errorMessage == "RequestId: \(crash.requestId) Error: Runtime exited with error: exit status 1")
    let lines = Self.lines(crashed)
    let report = try #require(lines.first { $0.hasPrefix("REPORT RequestId: \(crash.requestId)") })
    #expect(report.hasSuffix("\tStatus: error\tError Type: Runtime.ExitError\t"))
    let succeeded = try #require(crashed.attempts.first { $0.outcome == .success })
    // The retry has the crash's request id: its REPORT is the last with it.
    let quiet = try #require(lines.last { $0.hasPrefix("REPORT RequestId: \(succeeded.requestId)") })
    #expect(!quiet.contains("Status:"))
    #expect(!Self.logs(crashed).contains("Process exited"))
  }

  @Test func pythonApplicationLines() throws {
    let trace = try Self.trace("async-retries-dlq")
    let lines = Self.lines(trace, Options(format: .raw, runtime: .python))
    let event = try #require(lines.first { $0.contains("{\"event\":") })
    #expect(event.hasPrefix("[INFO]\t\(ISO8601.millis(trace.meta.origin + trace.attempts[0].start))\t\(trace.attempts[0].requestId)\t{\"event\":"))
    let error = try #require(lines.firstIndex { $0.hasPrefix("[ERROR] ") })
    #expect(lines[error] == "[ERROR] HTTPError: \(trace.attempts[0].errorMessage ?? "")")
    #expect(lines[error + 1] == "Traceback (most recent call last):")
    #expect(lines[error + 2] == "  File \"/var/task/app.py\", line 1, in handler")
    #expect(lines[error + 3].hasPrefix("END RequestId: "))
    #expect(lines.first { $0.hasPrefix("INIT_START ") }?.contains("Runtime Version: python:3.13.") == true)
  }

  // MARK: Containers

  @Test func eventsPagesHonourThePageSize() throws {
    let trace = try Self.trace("sync-timeout-retry")
    let raw = Self.lines(trace)
    for compact in [false, true] {
      let text = Self.logs(trace, Options(format: .events, pageSize: 5, compact: compact))
      let pages = try Self.documents(text)
      #expect(pages.count == (raw.count + 4) / 5)
      for (index, page) in pages.enumerated() {
        guard case .list(let events) = try #require(page["events"]) else { throw ShapeError() }
        #expect(page["searchedLogStreams"] == .list([]))
        if index < pages.count - 1 {
          #expect(events.count == 5)
          guard case .string(let token) = try #require(page["nextToken"]) else { throw ShapeError() }
          #expect(token.count == 64)
        } else {
          #expect(events.count <= 5 && !events.isEmpty)
          #expect(page["nextToken"] == nil)
        }
      }
      let events = try Self.events(pages)
      #expect(events.map(\.message) == raw.map { $0 + "\n" })
      #expect(events.map(\.timestamp) == events.map(\.timestamp).sorted())
      #expect(events.allSatisfy { $0.ingestionTime >= $0.timestamp + 200 && $0.ingestionTime <= $0.timestamp + 15_000 })
      #expect(events.allSatisfy { $0.eventId.count == 56 && $0.eventId.allSatisfy(\.isNumber) && $0.eventId.first != "0" })
      #expect(Set(events.map(\.eventId)).count == events.count)
      #expect(compact == !text.contains("\n    "))
    }
    // The default page size holds a small trace in one page, without a nextToken.
    let one = try Self.documents(Self.logs(trace, Options()))
    #expect(one.count == 1 && one[0]["nextToken"] == nil)
  }

  @Test func anEmptyTraceIsOneEmptyPage() throws {
    let trace = Trace(meta: TraceMeta(source: "scenario", scenario: "empty", functionName: "f"))
    #expect(Self.logs(trace, Options()) == "{\n    \"events\": [],\n    \"searchedLogStreams\": []\n}\n")
    #expect(Self.logs(trace, Options(compact: true)) == "{\"events\":[],\"searchedLogStreams\":[]}\n")
    #expect(Self.logs(trace, Options(format: .raw)).isEmpty)
  }

  @Test func tailPrefixesTimestampAndStreamAndStripsTrailingWhitespace() throws {
    let trace = try Self.trace("create-user")
    let tail = Self.lines(trace, Options(format: .tail))
    let raw = Self.lines(trace)
    #expect(tail.count == raw.count)
    let events = try Self.events(try Self.documents(Self.logs(trace, Options())))
    var line = 0
    for event in events {
      let iso = ISO8601.millis(event.timestamp)
      let prefix = iso.dropLast() + "000+00:00 " + event.stream + " "
      let message = event.message.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
      var first = prefix + message[0]
      while first.last == "\t" || first.last == " " { first.removeLast() }
      #expect(tail[line] == first)
      // Continuation lines of a multi-line message are bare.
      for continuation in message.dropFirst() {
        line += 1
        #expect(tail[line] == continuation)
      }
      line += 1
    }
    #expect(tail.contains { $0.hasSuffix(" Runtime Version: nodejs:20.v13\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:13f1c49bf6a5989d8e882bd5235773bbd20f9948387de4ff7a42be62e223cfaf") })
    #expect(tail.contains("Runtime.ExitError"))
  }

  @Test func jsonLinesAreLambdasJSONLogFormat() throws {
    let trace = try Self.trace("create-user")
    let lines = Self.lines(trace, Options(format: .jsonLines))
    let records = try lines.map { try JSONParser.parse($0) }
    let types = records.compactMap { record -> String? in
      if case .string(let type) = record["type"] { return type }
      return nil
    }
    let executions = trace.attempts.filter { $0.outcome != .throttled }.count
    #expect(types.filter { $0 == "platform.start" }.count == executions)
    #expect(types.filter { $0 == "platform.runtimeDone" }.count == executions)
    #expect(types.filter { $0 == "platform.report" }.count == executions)
    #expect(types.filter { $0 == "platform.initStart" }.count == 2, "the first execution and the one after the crash")
    let crash = try #require(trace.attempts.first { $0.outcome == .crash })
    let report = try #require(records.first { $0["type"] == "platform.report" && $0.value(at: ["record", "requestId"]) == .string(crash.requestId) })
    #expect(report.value(at: ["record", "status"]) == "error")
    #expect(report.value(at: ["record", "errorType"]) == "Runtime.ExitError")
    #expect(report.value(at: ["record", "metrics", "memorySizeMB"]) == 128)
    guard case .double = try #require(report.value(at: ["record", "metrics", "initDurationMs"])) else {
      Issue.record("initDurationMs should be a number with a fraction")
      return
    }
    let effect = try #require(records.first { $0.value(at: ["message", "effect"]) != nil })
    #expect(effect["level"] == "INFO")
    #expect(effect.value(at: ["message", "effect", "kind"]) == "insert")
    #expect(effect.value(at: ["message", "effect", "step"]) == "2")
    #expect(records.allSatisfy { $0["time"] != nil || $0["timestamp"] != nil })
    #expect(!lines.contains { $0.contains("Runtime exited") })

    let failed = Self.lines(try Self.trace("async-retries-dlq"), Options(format: .jsonLines))
    let error = try JSONParser.parse(try #require(failed.first { $0.contains("\"level\":\"ERROR\"") }))
    #expect(error.value(at: ["message", "errorType"]) == "HTTPError")
    #expect(error.value(at: ["message", "stackTrace", "1"]) == "    at Runtime.handler (file:///var/task/index.mjs:1:1)")
    let timedOut = Self.lines(try Self.trace("newsletter-post"), Options(format: .jsonLines))
    #expect(timedOut.contains { $0.contains("\"type\":\"platform.report\"") && $0.contains("\"status\":\"timeout\",\"errorType\":\"Sandbox.Timedout\"") })
  }

  // MARK: Golden files

  @Test(arguments: CloudWatchLogWriter.Format.allCases)
  func goldenFile(format: CloudWatchLogWriter.Format) throws {
    let trace = try Self.trace("create-user")
    let text = Self.logs(trace, Options(format: format, pageSize: 6))
    let suffix = switch format {
    case .raw: "raw.txt"
    case .tail: "tail.txt"
    case .events: "events.json"
    case .jsonLines: "json-lines.jsonl"
    }
    try GoldenFileTests.check(text, named: "create-user.logs.\(suffix)")
  }

  // MARK: Streaming and determinism

  @Test func theSinkReceivesChunksAndTheBytesAreTheSameEveryRun() throws {
    let scenario = BenchmarkWorkload.scenario(invocations: 2_000, failureProbability: 0.1, seed: 3)
    let trace = Simulator(scenario: scenario).run()
    for format in CloudWatchLogWriter.Format.allCases {
      let options = Options(format: format, pageSize: 1_000, chunkSize: 16 * 1024)
      var chunks: [[UInt8]] = []
      CloudWatchLogWriter(trace: trace, options: options).write { chunks.append(Array($0)) }
      #expect(chunks.count > 10, "\(format): \(chunks.count) chunks")
      #expect(chunks.dropLast().allSatisfy { $0.count >= 16 * 1024 && $0.count < 16 * 1024 + 4_096 })
      let whole = chunks.flatMap { $0 }
      var again: [UInt8] = []
      CloudWatchLogWriter(trace: trace, options: options).write { again.append(contentsOf: $0) }
      #expect(whole == again, "\(format): not byte-identical")
      var text = ""
      var pieces = 0
      CloudWatchLogWriter(trace: trace, options: options).writeText(to: {
        text += $0
        pieces += 1
      })
      #expect(pieces > 10 && Array(text.utf8) == whole)
    }
    let raw = Self.lines(trace)
    #expect(Self.startIds(raw).count == trace.attempts.filter { $0.outcome != .throttled }.count)
  }

  // MARK: Building blocks

  @Test func timestampsMatchISO8601() {
    var clock = LogTimestamp()
    let samples = [0, 1, 999, 1_000, 86_399_999, 86_400_000, 1_568_970_000_339, 1_709_294_400_123, -1, -86_400_001, 951_782_400_000]
    for millis in samples {
      var buffer = LogBuffer(capacity: 8)
      clock.appendISO(millis, to: &buffer)
      #expect(String(decoding: buffer.bytes, as: UTF8.self) == ISO8601.millis(millis))
      buffer.removeAll()
      clock.appendTail(millis, to: &buffer)
      #expect(String(decoding: buffer.bytes, as: UTF8.self) == ISO8601.millis(millis).dropLast() + "000+00:00")
    }
  }

  @Test func numbersAndJSON() {
    var buffer = LogBuffer(capacity: 4)
    buffer.append(decimal: 0)
    buffer.append(" ")
    buffer.append(decimal: -42)
    buffer.append(" ")
    buffer.append(decimal: Int.min)
    buffer.append(" ")
    buffer.append(hundredths: 15_321)
    buffer.append(" ")
    buffer.append(hundredths: 5)
    buffer.append(" ")
    buffer.append(shortHundredths: 150_000)
    buffer.append(" ")
    buffer.append(shortHundredths: 15_320)
    buffer.append(" ")
    buffer.append(shortHundredths: 15_321)
    buffer.append(" ")
    buffer.append(padded: 7, width: 3)
    #expect(String(decoding: buffer.bytes, as: UTF8.self) == "0 -42 -9223372036854775808 153.21 0.05 1500.0 153.2 153.21 007")

    let value: Value = ["a": [1, 2.5, "x\"y\\z\n\t\u{1}é"], "b": nil, "c": true, "d": ["e": -3]]
    var json = LogBuffer(capacity: 4)
    json.append(json: value)
    #expect(String(decoding: json.bytes, as: UTF8.self) == JSONText.compact(value))
  }
}

/// The writer's speed on the import benchmark's workload. Off by default; run it in a release
/// build: `LOG_WRITER_BENCH=200000 swift test -c release -Xswiftc -enable-testing --filter CloudWatchLogWriterSpeed`.
@Suite struct CloudWatchLogWriterSpeed {
  static let invocations = Int(ProcessInfo.processInfo.environment["LOG_WRITER_BENCH"] ?? "") ?? 0

  @Test(.enabled(if: invocations > 0)) func megabytesPerSecond() {
    let trace = Simulator(scenario: BenchmarkWorkload.scenario(invocations: Self.invocations, failureProbability: 0.1, seed: 1)).run()
    for format in CloudWatchLogWriter.Format.allCases {
      let writer = CloudWatchLogWriter(trace: trace, options: .init(format: format))
      var bytes = 0
      var chunks = 0
      let clock = ContinuousClock()
      let start = clock.now
      writer.write { chunk in
        bytes += chunk.count
        chunks += 1
      }
      let elapsed = start.duration(to: clock.now)
      let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
      let megabytes = Double(bytes) / 1_000_000
      print(
        "CloudWatchLogWriter \(format.rawValue): \(trace.attempts.count) attempts, \(Int(megabytes)) MB in \(chunks) chunks, "
          + "\((seconds * 1000).rounded() / 1000) s, \(Int(megabytes / seconds)) MB/s")
    }
  }
}
