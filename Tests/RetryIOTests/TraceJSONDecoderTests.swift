import Foundation
import RetryCore
import Testing

@testable import RetryIO

/// Traces read back: every built-in scenario survives encode → decode → encode byte for byte and
/// fact for fact, reports round-trip, and every kind of bad file is told in one exact line.
@Suite struct TraceJSONDecoderTests {
  static func trace(_ name: String, seed: UInt64? = nil) throws -> Trace {
    Simulator(scenario: try BuiltinScenarios.load(named: name), seed: seed).run()
  }

  /// The one-line error decoding `text` gives, or nil (recorded as an issue) when it decodes.
  static func failure(_ text: String, file: String = "t.json", sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String? {
    do {
      let trace = try TraceJSONDecoder.decode(text, file: file)
      Issue.record("decoded \(trace.events.count) events", sourceLocation: sourceLocation)
      return nil
    } catch {
      return error.description
    }
  }

  /// `create-user`'s trace file with `old` replaced by `new` (exactly once).
  static func createUser(replacing old: String, with new: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws
    -> String
  {
    let text = TraceJSON.encode(try trace("create-user"))
    let parts = text.components(separatedBy: old)
    try #require(parts.count == 2, "\(old) occurs \(parts.count - 1) times", sourceLocation: sourceLocation)
    return parts.joined(separator: new)
  }

  // MARK: - Round trips

  static let scenarios = BuiltinScenarios.talkTour

  @Test func everyBuiltinScenarioIsTalkedThrough() {
    #expect(Self.scenarios.count == BuiltinScenarios.names.count)
  }

  @Test(arguments: scenarios)
  func roundTripIsByteIdenticalAndFactForFact(name: String) throws {
    for seed in [nil, 7] as [UInt64?] {
      let original = try Self.trace(name, seed: seed)
      let text = TraceJSON.encode(original)
      let decoded = try TraceJSONDecoder.decode(text, file: "\(name).json")
      #expect(TraceJSON.encode(decoded) == text, "\(name) seed \(seed.map(String.init) ?? "default")")
      #expect(decoded.meta == original.meta)
      #expect(decoded.invocations == original.invocations)
      #expect(decoded.attempts == original.attempts)
      #expect(decoded.waits == original.waits)
      #expect(decoded.effects == original.effects)
      #expect(decoded.outcomes == original.outcomes)
      #expect(decoded.events == original.events)
      #expect(decoded.effectRecords == original.effectRecords)
      #expect(decoded.attemptReports == original.attemptReports)
      #expect(decoded.world == original.world)
    }
  }

  @Test func decodingBytesIsDecodingText() throws {
    let text = TraceJSON.encode(try Self.trace("sqs-redrive"))
    let fromBytes = try TraceJSONDecoder.decode(Array(text.utf8), file: "t.json")
    #expect(TraceJSON.encode(fromBytes) == text)
  }

  @Test func attemptReportsRoundTrip() throws {
    var trace = try Self.trace("create-user")
    trace.meta.source = "import"
    trace.attemptReports[0] = AttemptReport(
      durationMs: 26.73, billedDurationMs: 27, initDurationMs: 166.62, memorySizeMB: 128, maxMemoryUsedMB: 70, status: "error",
      logStream: "2019/09/20/[$LATEST]0123456789abcdef", version: "$LATEST")
    trace.attemptReports[1] = AttemptReport(durationMs: 12, billedDurationMs: 13)
    let text = TraceJSON.encode(trace)
    #expect(
      text.contains(
        #","report":{"durationMs":26.73,"billedDurationMs":27,"initDurationMs":166.62,"memorySizeMB":128,"maxMemoryUsedMB":70,"status":"error","logStream":"2019/09/20/[$LATEST]0123456789abcdef","version":"$LATEST"}}"#
      ))
    #expect(text.contains(#","report":{"durationMs":12,"billedDurationMs":13}}"#))
    let decoded = try TraceJSONDecoder.decode(text, file: "t.json")
    #expect(decoded.attemptReports == trace.attemptReports)
    #expect(decoded.attempts == trace.attempts)
    #expect(TraceJSON.encode(decoded) == text)
  }

  @Test func simulatedTracesHaveNoReports() throws {
    #expect(!TraceJSON.encode(try Self.trace("create-user")).contains("\"report\""))
  }

  @Test func captionsAndUnknownFieldsAreNotRead() throws {
    // A caption edited by hand, and fields a newer writer might add: the same trace.
    let original = TraceJSON.encode(try Self.trace("create-user"))
    var text = try Self.createUser(replacing: #""caption":"The caller invokes A asynchronously (Event)."}"#, with: #""caption":"edited","extra":[1,{"x":null}]}"#)
    text = text.replacingOccurrences(of: "  \"version\": 1,\n", with: "  \"version\": 1,\n  \"writtenBy\": \"retryscope 9\",\n")
    #expect(TraceJSON.encode(try TraceJSONDecoder.decode(text, file: "t.json")) == original)
  }

  @Test func sectionsMayComeInAnyOrder() throws {
    let trace = try Self.trace("sqs-redrive")
    let text = TraceJSON.encode(trace)
    // The same object with format and version last, and events before effects.
    let value = try JSONParser.parse(text)
    guard case .map(let fields) = value else { Issue.record("not an object"); return }
    var reordered = fields
    for key in ["format", "version", "effects"] {
      let moved = reordered.removeValue(forKey: key)!
      reordered[key] = moved
    }
    let decoded = try TraceJSONDecoder.decode(JSONText.compact(.map(reordered)), file: "t.json")
    #expect(TraceJSON.encode(decoded) == text)
  }

  @Test func loadReadsPlainAndGzipFiles() throws {
    let directory = NSTemporaryDirectory() + "retryscope-trace-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let text = TraceJSON.encode(try Self.trace("async-interleave"))
    let path = directory + "/trace.json"
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    #expect(TraceJSON.encode(try TraceJSONDecoder.load(path: path)) == text)
    let gzip = try Process.run(URL(fileURLWithPath: "/usr/bin/gzip"), arguments: ["-k", path])
    gzip.waitUntilExit()
    #expect(TraceJSON.encode(try TraceJSONDecoder.load(path: path + ".gz")) == text)

    #expect(throws: TraceJSONError(file: directory + "/none.json", message: "no such file")) {
      try TraceJSONDecoder.load(path: directory + "/none.json")
    }
    #expect(throws: TraceJSONError(file: directory, message: "is a directory")) { try TraceJSONDecoder.load(path: directory) }
  }

  // MARK: - Errors

  @Test func syntaxErrorsSayLineAndColumn() {
    let text = """
      {
        "format": "retryscope-trace",
        "version": 1,
        "invocations": [
          {"id":"A" "type":"Event"}
        ]
      }
      """
    #expect(Self.failure(text) == "t.json:5:15: expected ',' or '}' in an object")
    #expect(Self.failure("{\"format\": \"retryscope-trace\",\n\"version\": 1,\n\"waits\": [, ]}") == "t.json:3:11: expected a value (object, array, string, number, true, false or null)")
    #expect(Self.failure("{\"format\": \"retryscope-trace\" \"version\": 1}") == "t.json:1:31: expected ',' or '}' in an object")
    #expect(Self.failure("{\"events\": [1 2]}") == "t.json:1:15: expected ',' or ']' in an array")
    #expect(Self.failure("{format: 1}") == "t.json:1:2: expected a string key")
    #expect(Self.failure("[1, 2") == "t.json:1:6: the text ends inside an array")
  }

  @Test func truncatedFilesSayWhereTheTextEnds() throws {
    let lines = TraceJSON.encode(try Self.trace("create-user")).split(separator: "\n", omittingEmptySubsequences: false)
    let head = lines[0..<26].joined(separator: "\n") + "\n"
    #expect(lines[26].hasPrefix(#"    {"index":3,"time":348,"kind":"effect","#))
    #expect(Self.failure(head + #"    {"index":3,"time":348,"kind":"effect""#) == "t.json:27:42: the text ends inside an object")
    #expect(Self.failure(head + #"    {"index":3,"time":348,"kind":"eff"#) == "t.json:27:38: the text ends inside a string")
    #expect(Self.failure(head) == "t.json:27:1: the text ends where a value should be")
    // A whole element and its comma: the next element is missing.
    #expect(Self.failure(head + lines[26]) == "t.json:27:\(lines[26].count + 1): the text ends where a value should be")
    #expect(Self.failure(head + lines[26].dropLast()) == "t.json:27:\(lines[26].count): the text ends inside an array")
    #expect(Self.failure("") == "t.json: the file is empty")
    #expect(Self.failure(" \n ") == "t.json: the file is empty")
  }

  @Test func anotherJSONFileIsNotATrace() {
    let message = "t.json: not a RetryScope trace (no \"format\": \"retryscope-trace\"); for CloudWatch logs use 'retryscope import'"
    // `aws logs filter-log-events` output: its events are not read as trace events.
    #expect(Self.failure(#"{"events":[{"logStreamName":"s","timestamp":1,"message":"START"}],"searchedLogStreams":[]}"#) == message)
    // JSON lines: the first object is not a trace; the second is never reached.
    #expect(Self.failure("{\"message\":\"a\"}\n{\"message\":\"b\"}\n") == message)
    #expect(Self.failure("[{\"message\":\"a\"}]") == message)
    #expect(Self.failure("{}") == message)
    #expect(Self.failure("42") == message)
  }

  @Test func aWrongFormatNameIsNotATrace() throws {
    let text = try Self.createUser(replacing: #""format": "retryscope-trace""#, with: #""format": "cloudwatch""#)
    #expect(
      Self.failure(text, file: "x.json")
        == "x.json:2:13: not a RetryScope trace (\"format\" is \"cloudwatch\", not \"retryscope-trace\"); for CloudWatch logs use 'retryscope import'"
    )
  }

  @Test func anUnknownVersionIsRefused() throws {
    let newer = try Self.createUser(replacing: #""version": 1"#, with: #""version": 2"#)
    #expect(Self.failure(newer) == "t.json:3:14: trace format version 2 is not supported (this retryscope reads version 1)")
    let text = try Self.createUser(replacing: #""version": 1"#, with: #""version": "1""#)
    #expect(Self.failure(text) == "t.json:3:14: \"version\" must be an integer (got \"1\")")
    let missing = try Self.createUser(replacing: "  \"version\": 1,\n", with: "")
    #expect(Self.failure(missing) == "t.json: missing \"version\" (this retryscope reads version 1)")
  }

  @Test func aBadEnumValueNamesTheChoices() throws {
    let text = try Self.createUser(replacing: #""outcome":"crash""#, with: #""outcome":"boom""#)
    #expect(
      Self.failure(text)
        == "t.json:9:5: attempts[0]: \"outcome\" must be one of success, error, timeout, crash, throttled, running (got \"boom\")")
    let wait = try Self.createUser(replacing: #""reason":"retry-delay""#, with: #""reason":7"#)
    #expect(
      Self.failure(wait)
        == "t.json:14:5: waits[1]: \"reason\" must be one of retry-delay, throttle-backoff, client-backoff, queued, visibility-timeout, shard-blocked (got 7)"
    )
    let source = try Self.createUser(replacing: #""caller":"caller","#, with: #""caller":"caller","eventSource":"Kafka","#)
    #expect(
      Self.failure(source) == "t.json:6:5: invocations[0]: \"eventSource\" must be one of Kinesis, DynamoDB Streams, SQS, SQS FIFO (got \"Kafka\")")
  }

  @Test func aMissingRequiredFieldIsNamed() throws {
    let text = try Self.createUser(replacing: #""number":2,"requestId":"db12e54b-497d-4709-bfac-9d78716fd0ed","#, with: #""number":2,"#)
    #expect(Self.failure(text) == "t.json:10:5: attempts[1]: missing \"requestId\"")
    let meta = try Self.createUser(replacing: #""functionName":"create-user","#, with: "")
    #expect(Self.failure(meta) == "t.json:4:11: meta: missing \"functionName\"")
    let noMeta = TraceJSON.encode(try Self.trace("create-user")).split(separator: "\n").filter { !$0.hasPrefix("  \"meta\"") }
    #expect(Self.failure(noMeta.joined(separator: "\n")) == "t.json: missing \"meta\"")
  }

  @Test func wrongTypesSayWhatTheyGot() throws {
    let start = try Self.createUser(replacing: #""start":339"#, with: #""start":"339""#)
    #expect(Self.failure(start) == "t.json:9:5: attempts[0]: \"start\" must be an integer (got \"339\")")
    let element = try Self.createUser(replacing: #"{"invocation":"A","from":0,"to":339,"reason":"queued","beforeAttempt":1}"#, with: "[1,2]")
    #expect(Self.failure(element) == "t.json:13:5: waits[0]: must be an object (got [1,2])")
    let item = try Self.createUser(replacing: #""items":[{"id":"b6e13520"#, with: #""items":[7,{"id":"b6e13520"#)
    #expect(Self.failure(item) == "t.json:36:5: tables[0].items[0]: must be an object (got 7)")
    let section = try Self.createUser(replacing: #""endpoints": []"#, with: #""endpoints": {}"#)
    #expect(Self.failure(section) == "t.json:38:16: \"endpoints\" must be a list (got {})")
    let report = try Self.createUser(replacing: #""outcome":"crash","#, with: #""outcome":"crash","report":{"durationMs":"slow"},"#)
    #expect(Self.failure(report) == "t.json:9:5: attempts[0].report: \"durationMs\" must be a number (got \"slow\")")
    let clock = try Self.createUser(replacing: #""clock":"2019-09-20T09:00:00.339Z""#, with: #""clock":"yesterday""#)
    #expect(Self.failure(clock) == "t.json:9:5: attempts[0]: \"clock\" must be an ISO-8601 time (got \"yesterday\")")
  }

  @Test func referencesMustPointAtSomething() throws {
    let effect = try Self.createUser(replacing: #""attempt":1,"effect":0,"#, with: #""attempt":1,"effect":5,"#)
    #expect(Self.failure(effect) == "t.json:27:5: events[3]: \"effect\" must be an index into \"effects\" (0 to 1; got 5)")
    let negative = try Self.createUser(replacing: #""attempt":1,"effect":0,"#, with: #""attempt":-1,"effect":0,"#)
    #expect(Self.failure(negative) == "t.json:27:5: events[3]: \"attempt\" must be from 0 to 2147483647 (got -1)")
    let index = try Self.createUser(replacing: #"{"index":4,"time":354"#, with: #"{"index":5,"time":354"#)
    #expect(Self.failure(index) == "t.json:28:5: events[4]: \"index\" must be 4, the element's position (got 5)")
    let duplicate = try Self.createUser(replacing: #""duplicateOf":null"#, with: #""duplicateOf":0"#)
    #expect(Self.failure(duplicate) == "t.json:17:5: effects[0]: \"duplicateOf\" must be the index of an earlier effect (got 0)")
  }

  // MARK: - Bounds and dangling references (issue 12)

  /// Times outside 0 to 100 years are refused where they are, so that no view's sum or difference
  /// of times can overflow: `Int64.min` as a start used to pass and trap in a caption.
  @Test func outOfRangeTimesAreRefused() throws {
    let start = try Self.createUser(replacing: #""start":339,"#, with: #""start":-9223372036854775808,"#)
    #expect(Self.failure(start) == "t.json:9:5: attempts[0]: \"start\" must be a time in milliseconds from 0 to 3155760000000 (got -9223372036854775808)")
    let time = try Self.createUser(replacing: #""index":1,"time":65933,"#, with: #""index":1,"time":3155760000001,"#)
    #expect(Self.failure(time) == "t.json:18:5: effects[1]: \"time\" must be a time in milliseconds from 0 to 3155760000000 (got 3155760000001)")
    let at = try Self.createUser(replacing: #""at":0,"#, with: #""at":9223372036854775807,"#)
    #expect(Self.failure(at) == "t.json:6:5: invocations[0]: \"at\" must be a time in milliseconds from 0 to 3155760000000 (got 9223372036854775807)")
    let huge = try Self.createUser(replacing: #""from":0,"#, with: #""from":1e300,"#)
    #expect(Self.failure(huge) == "t.json:13:5: waits[0]: \"from\" must be an integer (got 1e+300)")
    let origin = try Self.createUser(replacing: #""originMillis":1568970000000"#, with: #""originMillis":9223372036854775807"#)
    #expect(Self.failure(origin) == "t.json:4:11: meta: \"originMillis\" must be Unix epoch milliseconds (years 0000 to 9899) from -62167219200000 to 250246627199999 (got 9223372036854775807)")
    let timeout = try Self.createUser(replacing: #""functionTimeout":3000"#, with: #""functionTimeout":-1"#)
    #expect(Self.failure(timeout) == "t.json:4:11: meta: \"functionTimeout\" must be a duration in milliseconds from 0 to 3155760000000 (got -1)")
    let number = try Self.createUser(replacing: #""number":1,"#, with: #""number":0,"#)
    #expect(Self.failure(number) == "t.json:9:5: attempts[0]: \"number\" must be an attempt number from 1 to 2147483647 (got 0)")
    let count = try Self.createUser(replacing: #""attempts":2,"#, with: #""attempts":-2,"#)
    #expect(Self.failure(count) == "t.json:21:5: outcomes[0]: \"attempts\" must be a count from 0 to 2147483647 (got -2)")
  }

  @Test func anEndBeforeItsStartIsRefused() throws {
    let attempt = try Self.createUser(replacing: #""start":339,"end":354,"#, with: #""start":354,"end":339,"#)
    #expect(Self.failure(attempt) == "t.json:9:5: attempts[0]: \"end\" must not be before \"start\" (354; got 339)")
    let wait = try Self.createUser(replacing: #""from":354,"to":65924,"#, with: #""from":65924,"to":354,"#)
    #expect(Self.failure(wait) == "t.json:14:5: waits[1]: \"to\" must not be before \"from\" (65924; got 354)")
  }

  @Test func danglingReferencesAndDuplicateIdsAreRefused() throws {
    let trace = TraceJSON.encode(try Self.trace("create-user"))
    let line = try #require(trace.split(separator: "\n").first { $0.contains(#"{"id":"A""#) })
    let twice = trace.replacingOccurrences(of: line + "\n", with: line + ",\n" + line + "\n")
    #expect(Self.failure(twice) == "t.json:7:5: invocations[1]: \"id\" \"A\" is already the id of invocations[0]")
    let attempt = try Self.createUser(replacing: #"{"invocation":"A","number":2,"#, with: #"{"invocation":"B","number":2,"#)
    #expect(Self.failure(attempt) == "t.json:10:5: attempts[1]: \"invocation\" \"B\" is not the id of any of \"invocations\"")
    let sameNumber = try Self.createUser(replacing: #"{"invocation":"A","number":2,"#, with: #"{"invocation":"A","number":1,"#)
    #expect(Self.failure(sameNumber) == "t.json:10:5: attempts[1]: attempt 1 of \"A\" is already attempts[0]")
    let wait = try Self.createUser(replacing: #"{"invocation":"A","from":0,"#, with: #"{"invocation":"X","from":0,"#)
    #expect(Self.failure(wait) == "t.json:13:5: waits[0]: \"invocation\" \"X\" is not the id of any of \"invocations\"")
    let effect = try Self.createUser(replacing: #""time":65933,"invocation":"A","attempt":2,"#, with: #""time":65933,"invocation":"A","attempt":3,"#)
    #expect(Self.failure(effect) == "t.json:18:5: effects[1]: \"attempt\" 3 of \"A\" is not in \"attempts\"")
    let orphan = try Self.createUser(replacing: #""time":348,"invocation":"A","#, with: #""time":348,"invocation":null,"#)
    #expect(Self.failure(orphan) == "t.json:17:5: effects[0]: \"attempt\" 1 needs an \"invocation\"")
    let outcome = try Self.createUser(replacing: #"{"invocation":"A","kind":"succeeded""#, with: #"{"invocation":"","kind":"succeeded""#)
    #expect(Self.failure(outcome) == "t.json:21:5: outcomes[0]: \"invocation\" \"\" is not the id of any of \"invocations\"")
    let event = try Self.createUser(replacing: #""kind":"invoke","invocation":"A""#, with: #""kind":"invoke","invocation":"Z""#)
    #expect(Self.failure(event) == "t.json:24:5: events[0]: \"invocation\" \"Z\" is not the id of any of \"invocations\"")
    let backwards = try Self.createUser(replacing: #"{"index":3,"time":348,"#, with: #"{"index":3,"time":338,"#)
    #expect(Self.failure(backwards) == "t.json:27:5: events[3]: \"time\" 338 is before the time of events[2] (339); events are in time order")
  }
}
