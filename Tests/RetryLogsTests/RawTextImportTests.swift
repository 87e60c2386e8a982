import RetryCore
import Testing

@testable import RetryLogs

@Suite struct RawTextImportTests {
  @Test func asyncRetriesKeepTheRequestIdAndBecomeAttemptsOfOneInvocation() throws {
    let (trace, summary) = try ImportFixture.load(["raw-async-retries.log"])
    #expect(trace.invocations.count == 1)
    #expect(trace.invocations[0].type == .event)
    #expect(trace.attempts.map(\.outcome) == [.error, .error, .success])
    #expect(trace.attempts.map(\.caller) == [.lambdaAsync, .lambdaAsync, .lambdaAsync])
    #expect(Set(trace.attempts.map(\.requestId)) == ["8f5e4a2c-1b3d-4e5f-9a7b-2c4d6e8f0a1b"])
    #expect(trace.attempts.map(\.start) == [0, 65_280, 191_882])
    #expect(trace.attempts.map(\.duration) == [152, 98, 120])
    #expect(trace.attempts[0].errorType == "Error")
    #expect(trace.attempts[0].errorMessage == "mail server down")
    #expect(trace.waits.map(\.reason) == [.retryDelay, .retryDelay])
    #expect(trace.waits.map(\.length) == [65_280 - 152, 191_882 - 65_378])
    #expect(trace.effects.map(\.kind) == [.insert, .insert, .insert, .post])
    #expect(trace.effects.map(\.duplicateOf) == [nil, 0, 0, nil])
    #expect(trace.effects.map(\.actor) == ["A#1", "A#2", "A#3", "A#3"])
    #expect(trace.outcomes.map(\.kind) == [.succeeded])
    #expect(trace.attemptReports[0]?.initDurationMs == 166.62)
    #expect(trace.attemptReports[0]?.billedDurationMs == 320)
    #expect(trace.attemptReports[1]?.isColdStart == false)
    #expect(summary.lambdaRetries == 2)
    #expect(summary.duplicateEffects == 2)
    #expect(summary.skipped.isEmpty)
    print(summary.text)
  }
}
