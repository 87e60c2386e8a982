import Testing
@testable import RetryCore

/// Same scenario and seed give the same trace; the generator's streams are independent.
@Suite struct DeterminismTests {
  @Test func splitMix64MatchesTheReferenceSequence() {
    // Reference values of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
    var rng = SplitMix64(seed: 0)
    #expect(rng.next() == 0xe220_a839_7b1d_cdaf)
    #expect(rng.next() == 0x6e78_9e6a_a1b9_65f4)
    #expect(rng.next() == 0x06c4_5d18_8009_454f)
  }

  @Test func intInRangeStaysInRangeAndCoversIt() {
    var rng = SplitMix64(seed: 5)
    var seen = Set<Int>()
    for _ in 0..<2_000 {
      let value = rng.int(in: 3...9)
      #expect((3...9).contains(value))
      seen.insert(value)
    }
    #expect(seen == Set(3...9))
    #expect(rng.int(in: 4...4) == 4)
  }

  @Test func chanceHonoursItsBounds() {
    var rng = SplitMix64(seed: 8)
    #expect((0..<100).allSatisfy { _ in !rng.chance(0) })
    #expect((0..<100).allSatisfy { _ in rng.chance(1) })
    let hits = (0..<10_000).filter { _ in rng.chance(0.25) }.count
    #expect(hits > 2_200 && hits < 2_800)
  }

  @Test func streamsOfOneSeedDiffer() {
    var delays = SplitMix64(seed: 1, stream: "delays")
    var faults = SplitMix64(seed: 1, stream: "faults")
    #expect(delays.next() != faults.next())
  }

  @Test func uuidsAreVersion4() {
    var rng = SplitMix64(seed: 2)
    let uuid = rng.uuid()
    let parts = uuid.split(separator: "-").map(String.init)
    #expect(parts.map(\.count) == [8, 4, 4, 4, 12])
    #expect(parts[2].first == "4")
    #expect(["8", "9", "a", "b"].contains(parts[3].first.map(String.init) ?? ""))
  }

  @Test func theSameSeedGivesTheSameTrace() {
    let scenario = Build.scenario(.event, faults: [Build.alwaysFail]) {
      $0.function.asyncQueue.duplicateDeliveryProbability = 0.5
    }
    let one = Simulator(scenario: scenario, seed: 77).run()
    let two = Simulator(scenario: scenario, seed: 77).run()
    #expect(one.attempts == two.attempts)
    #expect(one.waits == two.waits)
    #expect(one.effects == two.effects)
    #expect(one.events == two.events)
    #expect(one.outcomes == two.outcomes)
  }
}

extension DeterminismTests {
  /// Trace records stay compact: they are kept by the million (docs/performance.md).
  @Test func traceRecordsStayCompact() {
    #expect(MemoryLayout<TraceEvent>.stride <= 64)
    #expect(MemoryLayout<TraceEffect>.stride <= 168)
    var effect = TraceEffect(time: 0, invocation: "A", attempt: 2, actor: "A#2", target: "t", kind: .insert, key: "k")
    #expect(effect.attempt == 2 && effect.version == nil && effect.duplicateOf == nil)
    effect.duplicateOf = 0
    #expect(effect.duplicateOf == 0)
    effect.attempt = nil
    #expect(effect.attempt == nil)
  }
}
