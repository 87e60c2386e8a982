import RetryCore
import Testing

@testable import RetryIO

/// Every built-in scenario tells its story: these are the facts the audience must see
/// (../shared/docs/scenarios.md), on the scenario's own seed.
@Suite struct ScenarioStoryTests {
  static func run(_ name: String, seed: UInt64? = nil) throws -> Trace {
    Simulator(scenario: try BuiltinScenarios.load(named: name), seed: seed).run()
  }

  static func effects(_ trace: Trace, _ kind: EffectKind, target: String? = nil) -> [TraceEffect] {
    trace.effects.filter { $0.kind == kind && (target == nil || $0.target == target) }
  }

  // MARK: A. The idempotence ladder (slides 21-27)

  @Test func echoGivesTheSameAnswerAfterARetry() throws {
    let trace = try Self.run("echo")
    #expect(trace.attempts.map(\.outcome) == [.crash, .success])
    #expect(trace.attempts[1].response == ["b": 7])
    #expect(trace.effects.isEmpty)
    #expect(trace.outcomes.map(\.kind) == [.succeeded, .onSuccess])
    #expect(trace.outcomes[1].payload?["responsePayload"] == ["b": 7])
  }

  @Test func squareComputesFortyNineOnEveryAttempt() throws {
    let trace = try Self.run("square")
    #expect(trace.attempts.map(\.outcome) == [.error, .success])
    #expect(trace.attempts[1].response == ["b": 49])
    #expect(trace.effects.isEmpty)
  }

  @Test func createUserInsertsTwoUsersForOneMail() throws {
    let trace = try Self.run("create-user")
    let inserts = Self.effects(trace, .insert, target: "users")
    #expect(inserts.count == 2)
    #expect(inserts.map(\.actor) == ["A#1", "A#2"])
    #expect(inserts[1].duplicateOf == 0)
    let users = try #require(trace.world.tables.first { $0.name == "users" })
    #expect(users.items.count == 2)
    #expect(users.items.allSatisfy { $0["mail"] == "y" })
    #expect(users.items[0]["id"] != users.items[1]["id"])
  }

  @Test func newsletterPostIsPostedTwice() throws {
    let trace = try Self.run("newsletter-post")
    #expect(trace.attempts.map(\.outcome) == [.timeout, .success])
    let posts = Self.effects(trace, .post)
    #expect(posts.count == 2)
    #expect(posts[1].duplicateOf == trace.effects.firstIndex { $0.kind == .post })
    let endpoint = try #require(trace.world.endpoints.first)
    #expect(endpoint.requests.map(\.body) == [["mail": "y"], ["mail": "y"]])
  }

  @Test func userExistsFlipsWhenSomeoneElseWritesInBetween() throws {
    let trace = try Self.run("user-exists")
    #expect(trace.attempts.map(\.response) == [["ok": false], ["ok": true]])
    #expect(trace.attempts.map(\.caller) == [.lambdaAsync, .duplicateDelivery])
    let reads = Self.effects(trace, .read)
    #expect(reads.map(\.detail) == ["missing", "found"])
    let external = try #require(trace.effects.first { $0.invocation == nil })
    #expect(external.actor == "signup-service")
    #expect(external.time > reads[0].time && external.time < reads[1].time)
    #expect(trace.duplicateEffects.isEmpty)
  }

  // MARK: B. The demos

  @Test func cronClockRetryKeepsTheEventTimeWhileTheClockMovesOn() throws {
    let trace = try Self.run("cron-clock")
    #expect(trace.invocations.map(\.id) == ["tick-1", "tick-2", "tick-3"])
    let tick2 = trace.attempts(of: "tick-2")
    #expect(tick2.count == 2)
    let eventTime = try #require(trace.invocations[1].payload["time"])
    #expect(eventTime == "2019-09-20T09:05:00Z")
    let logs = trace.effects.filter { $0.kind == .log && $0.invocation == "tick-2" }
    #expect(logs.count == 2)
    #expect(logs.allSatisfy { $0.detail?.hasPrefix("event time 2019-09-20T09:05:00Z, handler clock 2019-09-20T09:0") == true })
    #expect(logs[0].detail != logs[1].detail)
    #expect(tick2[1].clockAtStart - tick2[0].clockAtStart >= 60_000)
  }

  @Test func statusServerTimeDuplicatesReordersAndLoses() throws {
    let trace = try Self.run("status-server-time")
    let statuses = try #require(trace.world.tables.first { $0.name == "statuses" })
    let alice = statuses.items.filter { $0["user"] == "alice" }
      .sorted { ($0["time"]?.displayText ?? "") < ($1["time"]?.displayText ?? "") }
    // Duplicated: "hello" twice. Reordered: by server time the last word is the retried "hello".
    #expect(alice.map { $0["message"] } == ["hello", "lunch?", "hello"])
    // Lost: b2 failed on every attempt and went to the DLQ, leaving three rows behind.
    #expect(trace.outcomes.first { $0.invocation == "b2" }?.kind == .deadLetterQueue)
    #expect(statuses.items.filter { $0["message"] == "at 12" }.count == 3)
    #expect(trace.duplicateEffects.count == 3)
  }

  @Test func statusClientTimeHasNoDuplicatesButLosesAnUpdate() throws {
    let trace = try Self.run("status-client-time")
    #expect(trace.duplicateEffects.isEmpty)
    #expect(Self.effects(trace, .unchanged).map(\.actor) == ["a1#2"])
    let statuses = try #require(trace.world.tables.first)
    #expect(statuses.items.map { $0["message"] } == ["hello", "hi", "lunch?"])
    #expect(trace.outcomes.first { $0.invocation == "b2" }?.kind == .deadLetterQueue)
    #expect(trace.outcomes.first { $0.kind == .deadLetterQueue }?.payload?["body"]?["message"] == "at 12")
  }

  @Test func statusPreviousNoKeepsOrderSkipsRepeatsAndLosesAnOrphan() throws {
    let trace = try Self.run("status-previous-no")
    #expect(trace.duplicateEffects.isEmpty)
    let statuses = try #require(trace.world.tables.first)
    let alice = statuses.items.filter { $0["user"] == "alice" }
    #expect(alice.map { $0["no"] } == [0, 1, 2])
    #expect(alice.map { $0["message"] } == ["(joined)", "hello", "lunch?"])
    let skip = try #require(Self.effects(trace, .skip).first)
    #expect(skip.actor == "a1#3")
    #expect(trace.attempts(of: "a1").last?.response == ["alreadyApplied": true])
    #expect(trace.attempts(of: "a2").first?.errorMessage == "previous status not found (yet)")
    #expect(trace.outcomes.first { $0.invocation == "b1" }?.kind == .deadLetterQueue)
    #expect(statuses.items.filter { $0["user"] == "bob" }.count == 1)
  }

  @Test func slackAtMostOnceNeverPosts() throws {
    let trace = try Self.run("slack-at-most-once")
    #expect(Self.effects(trace, .post).isEmpty)
    #expect(Self.effects(trace, .rejected).map(\.detail) == ["HTTP 500"])
    #expect(Self.effects(trace, .skip).map(\.actor) == ["A#2"])
    #expect(trace.attempts.last?.response == ["skipped": true])
    // The event "succeeded" for Lambda: nothing in the DLQ tells anyone the message was lost.
    #expect(trace.outcomes.map(\.kind) == [.succeeded])
  }

  @Test func slackAtLeastOncePostsTwice() throws {
    let trace = try Self.run("slack-at-least-once")
    let posts = Self.effects(trace, .post)
    #expect(posts.count == 2)
    #expect(posts[1].duplicateOf != nil)
    #expect(trace.world.endpoints[0].requests.map(\.statusCode) == [200, 200])
  }

  // MARK: C. Invocation flows (slides 8-15)

  @Test func syncErrorReachesTheCallerWithoutALambdaRetry() throws {
    let trace = try Self.run("sync-error")
    #expect(trace.attempts.map(\.outcome) == [.throttled, .error])
    #expect(trace.attempts.map(\.caller) == [.client, .client])
    #expect(trace.waits.map(\.reason) == [.clientBackoff])
    let outcome = try #require(trace.outcomes.first)
    #expect(outcome.kind == .response && outcome.statusCode == 200 && outcome.functionError == "Unhandled")
    #expect(outcome.payload?["errorType"] == "PaymentDeclined")
  }

  @Test func syncTimeoutRetryRunsOverlappingExecutions() throws {
    let trace = try Self.run("sync-timeout-retry")
    let attempts = trace.attempts
    #expect(attempts.count == 3)
    #expect(Set(attempts.map(\.requestId)).count == 3)
    #expect(attempts[1].start < attempts[0].end)
    #expect(attempts[2].start < attempts[1].end)
    #expect(attempts.allSatisfy { $0.outcome == .success })
    #expect(Self.effects(trace, .insert, target: "charges").count == 3)
    #expect(trace.duplicateEffects.count == 2)
    #expect(trace.outcomes.first?.reason == "ReadTimeoutError")
  }

  @Test func asyncRetriesDlqShowsThreeAttemptsTwoDelaysAndTheDlq() throws {
    let trace = try Self.run("async-retries-dlq")
    #expect(trace.attempts.map(\.outcome) == [.error, .error, .error])
    #expect(Set(trace.attempts.map(\.requestId)).count == 1)
    let delays = trace.waits.filter { $0.reason == .retryDelay }.map(\.length)
    #expect(delays.count == 2)
    #expect((60_000...70_000).contains(delays[0]) && (120_000...135_000).contains(delays[1]))
    let dlq = try #require(trace.outcomes.first)
    #expect(dlq.kind == .deadLetterQueue)
    #expect(dlq.payload?["body"] == ["orderId": "o-42", "amount": 30])
  }

  @Test func asyncInterleaveAlternatesAndBFinishesFirst() throws {
    let trace = try Self.run("async-interleave")
    let order = trace.attempts.sorted { $0.start < $1.start }.map(\.invocation)
    #expect(order == ["A", "B", "A", "B", "A"])
    let finishA = try #require(trace.outcomes.first { $0.invocation == "A" }).time
    let finishB = try #require(trace.outcomes.first { $0.invocation == "B" }).time
    #expect(finishB < finishA)
  }

  @Test func asyncDuplicateDeliveryRunsTwiceWithoutAnError() throws {
    let trace = try Self.run("async-duplicate-delivery")
    #expect(trace.attempts.map(\.outcome) == [.success, .success])
    #expect(trace.attempts.map(\.caller) == [.lambdaAsync, .duplicateDelivery])
    #expect(trace.duplicateEffects.map(\.kind) == [.insert, .post])
  }

  // MARK: D. The tricks (slides 29-31)

  @Test func clientTokenSkipsTheSecondMail() throws {
    let trace = try Self.run("client-token")
    #expect(Self.effects(trace, .post).count == 1)
    #expect(Self.effects(trace, .skip).map(\.actor) == ["A#2"])
    #expect(trace.attempts.last?.response == ["duplicate": true])
    #expect(trace.duplicateEffects.isEmpty)
  }

  @Test func noSystemTimeWritesTheSameReportOnEveryAttempt() throws {
    let trace = try Self.run("no-system-time")
    #expect(trace.effects.filter { $0.target == "reports" }.map(\.kind) == [.insert, .unchanged])
    #expect(trace.world.tables[0].items == [["day": "2019-09-20T09:00:00Z", "status": "generated"]])
    let logs = Self.effects(trace, .log)
    #expect(logs.count == 2)
    #expect(logs.allSatisfy { $0.detail?.hasPrefix("report for 2019-09-20T09:00:00Z (handler clock") == true })
    #expect(logs[0].detail != logs[1].detail)
  }

  @Test func clientStateComputesTheSameBalance() throws {
    let trace = try Self.run("client-state")
    #expect(trace.effects.map(\.kind) == [.update, .unchanged])
    #expect(trace.world.tables[0].items == [["user": "alice", "balance": 70]])
    #expect(trace.attempts.last?.response == ["balance": 70])
  }

  @Test func conditionExpressionSkipsTheRepeatedUpdate() throws {
    let trace = try Self.run("condition-expression")
    #expect(trace.effects.filter { $0.target == "orders" }.map(\.kind) == [.update, .skip])
    #expect(Self.effects(trace, .post).count == 1)
    let order = try #require(trace.world.tables.first?.items.first)
    #expect(order["status"] == "shipped")
    #expect(order["version"] == 4)
    #expect(trace.attempts.last?.response == ["alreadyShipped": true])
  }

  /// The lessons hold for any seed, not just the one on stage.
  @Test(arguments: ["create-user", "newsletter-post", "slack-at-least-once", "sync-timeout-retry", "async-duplicate-delivery"])
  func duplicatesAppearWhateverTheSeed(name: String) throws {
    for seed: UInt64 in [2, 3, 99] {
      #expect(!(try Self.run(name, seed: seed)).duplicateEffects.isEmpty)
    }
  }

  @Test(arguments: ["echo", "square", "client-token", "no-system-time", "client-state", "condition-expression", "status-client-time", "status-previous-no"])
  func idempotentScenariosHaveNoDuplicatesWhateverTheSeed(name: String) throws {
    for seed: UInt64 in [2, 3, 99] {
      #expect((try Self.run(name, seed: seed)).duplicateEffects.isEmpty)
    }
  }
}
