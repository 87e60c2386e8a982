import RetryCore
import RetryIO
import Testing

@testable import RetryTUI

/// The external state panel on real built-in traces, at concrete playheads.
@Suite struct StatePanelTests {
  struct Frame {
    var lines: [String]
    var grid: CellGrid
    var total: Int

    /// The style of the first cell of `text` on line `y`.
    func style(of text: String, line y: Int) -> CellStyle? {
      let cells = Array(grid.line(y).unicodeScalars), wanted = Array(text.unicodeScalars)
      guard cells.count >= wanted.count else { return nil }
      for x in 0...(cells.count - wanted.count) where Array(cells[x..<(x + wanted.count)]) == wanted {
        return grid[x, y].style
      }
      return nil
    }
  }

  static func ledger(_ name: String) throws -> StateLedger {
    StateLedger(trace: Simulator(scenario: try BuiltinScenarios.load(named: name), seed: nil).run())
  }

  /// The panel's lines at `playhead`, without the blank lines under them.
  static func render(
    _ ledger: StateLedger, playhead: Int, width: Int = 80, height: Int = 12, scroll: Int = 0, focused: Bool = false,
    theme: Theme = Theme(.dark), glyphs: Glyphs = .unicode
  ) -> Frame {
    var grid = CellGrid(size: Size(width: width, height: height))
    let total = StatePanelView.render(
      ledger, playhead: playhead, scroll: scroll, focused: focused, area: grid.bounds, theme: theme, glyphs: glyphs,
      into: &grid)
    var lines = (0..<height).map(grid.line)
    while lines.last == "" { lines.removeLast() }
    return Frame(lines: lines, grid: grid, total: total)
  }

  let dark = Theme(.dark)

  @Test func createUserShowsTheSecondRowAndItsDuplicateMarkOnlyOnceItIsInserted() throws {
    let ledger = try Self.ledger("create-user")
    let effects = ledger.trace.effects
    #expect(effects.count == 2 && effects[1].duplicateOf == 0)
    let (first, second) = (effects[0].key, effects[1].key)
    let secondInsert = ledger.event(ofEffect: 1)

    let before = Self.render(ledger, playhead: secondInsert - 1)
    #expect(before.lines == ["users (table) · 1 row", "  \(first)  v1  A#1  {\"mail\":\"y\"}"])

    let at = Self.render(ledger, playhead: secondInsert)
    #expect(at.lines == [
      "users (table) · 2 rows",
      "  \(first)  v1  A#1         {\"mail\":\"y\"}",
      "▶ \(second)  v1  x2 A#1+A#2  {\"mail\":\"y\"}",
    ])
    #expect(at.style(of: "x2", line: 2) == dark.style(.duplicate))
    #expect(at.style(of: "A#1+A#2", line: 2) == dark.style(.actor))
    #expect(at.grid[0, 2].style == dark.style(.match))
    #expect(at.style(of: first, line: 1) == dark.style(.rowKey))

    // The next event is no effect: the highlight goes, the rows stay.
    let after = Self.render(ledger, playhead: secondInsert + 1)
    #expect(after.lines[2] == "  \(second)  v1  x2 A#1+A#2  {\"mail\":\"y\"}")
  }

  @Test func createUserAtFortyColumnsCutsTheKeysAndKeepsTheMailAndBothAttempts() throws {
    let ledger = try Self.ledger("create-user")
    let keys = ledger.trace.effects.map(\.key)
    let end = Self.render(ledger, playhead: ledger.trace.events.count - 1, width: 40)
    #expect(end.lines == [
      "users (table) · 2 rows",
      "  \(keys[0].prefix(11))…  A#1         {\"mail\":\"y\"}",
      "  \(keys[1].prefix(11))…  x2 A#1+A#2  {\"mail\":\"y\"}",
    ])
  }

  @Test func beforeAnythingIsWrittenEachTargetSaysEmpty() throws {
    #expect(Self.render(try Self.ledger("create-user"), playhead: -1).lines == ["users (table) (empty)"])
    #expect(
      Self.render(try Self.ledger("newsletter-post"), playhead: 0).lines == [
        "mailing-list (endpoint) (empty) · https://mailch.imp/add"
      ])
  }

  @Test func newsletterPostShowsTwoPostsTheSecondMarkedAsADuplicate() throws {
    let ledger = try Self.ledger("newsletter-post")
    let firstPost = Self.render(ledger, playhead: ledger.event(ofEffect: 0))
    #expect(firstPost.lines == [
      "mailing-list (endpoint) · 1 POST · https://mailch.imp/add",
      "▶ #1  A#1  {\"mail\":\"y\"}",
    ])
    let end = Self.render(ledger, playhead: ledger.trace.events.count - 1)
    #expect(end.lines == [
      "mailing-list (endpoint) · 2 POSTs · https://mailch.imp/add",
      "  #1  A#1         {\"mail\":\"y\"}",
      "  #2  x2 A#1+A#2  {\"mail\":\"y\"}",
    ])
    #expect(end.style(of: "x2", line: 2) == dark.style(.duplicate))
  }

  @Test func conditionExpressionShowsTheSkippedRetryAndWhy() throws {
    let ledger = try Self.ledger("condition-expression")
    let condition =
      "attribute_exists(id) AND begins_with(id, :prefix) AND (#s = :paid OR #s = :packed)"
      + " AND NOT attribute_exists(shippedAt) AND version < :max"
    let shipped = "{\"status\":\"shipped\",\"version\":4,\"shippedAt\":\"2019-09-20T08:59:30Z\"}"

    // The order was there before the first event; no label is queued yet.
    #expect(Self.render(ledger, playhead: -1, width: 200).lines == [
      "orders (table) · 1 row",
      "  id=order-42  v1  initial  {\"status\":\"paid\",\"version\":3}",
      "labels (table) (empty)",
    ])

    // The retry's update is skipped, and the panel says why.
    #expect(ledger.trace.effects[1].kind == .skip)
    let skip = Self.render(ledger, playhead: ledger.event(ofEffect: 1), width: 200)
    #expect(skip.lines == [
      "orders (table) · 1 row",
      "▶ id=order-42  v2  A#1  A#2 skipped  \(shipped)",
      "    ↳ A#2 skipped: condition failed (\(condition))",
      "labels (table) (empty)",
    ])
    #expect(skip.style(of: "A#2 skipped", line: 1) == dark.style(.skipped))
    #expect(skip.style(of: "↳", line: 2) == dark.style(.skipped))
    #expect(skip.total == 4)

    // Later the reason goes; the mark stays on the row, and the retry's label is there.
    let end = Self.render(ledger, playhead: ledger.trace.events.count - 1, width: 200)
    #expect(end.lines == [
      "orders (table) · 1 row",
      "  id=order-42  v2  A#1  A#2 skipped  \(shipped)",
      "labels (table) · 1 row",
      "  orderId=order-42  v1  A#2  {\"carrier\":\"ups\"}",
    ])
  }

  @Test func slackAtMostOnceNeverPostsTheMessage() throws {
    let ledger = try Self.ledger("slack-at-most-once")
    #expect(Self.render(ledger, playhead: ledger.trace.events.count - 1, width: 100).lines == [
      "dedup (table) · 1 row",
      "  id=msg-1  v1  A#1  A#2 skipped  {}",
      "slack (endpoint) · 0 POSTs · 1 rejected · https://hooks.slack.com/services/T000/B000/XXXX",
      "  #1  A#1  rejected: HTTP 500  {\"text\":\"Deploy finished\"}",
    ])
  }

  @Test func asyncInterleaveShowsBsRowBeforeAsAfterTheirRetriesCross() throws {
    let ledger = try Self.ledger("async-interleave")
    let effects = ledger.trace.effects
    #expect(effects.map(\.actor) == ["B#2", "A#3"])
    #expect(Self.render(ledger, playhead: ledger.event(ofEffect: 0) - 1).lines == ["orders (table) (empty)"])
    #expect(Self.render(ledger, playhead: ledger.event(ofEffect: 0)).lines == [
      "orders (table) · 1 row",
      "▶ id=o-2  v1  B#2  {\"status\":\"placed\"}",
    ])
    #expect(Self.render(ledger, playhead: ledger.trace.events.count - 1).lines == [
      "orders (table) · 2 rows",
      "  id=o-2  v1  B#2  {\"status\":\"placed\"}",
      "  id=o-1  v1  A#3  {\"status\":\"placed\"}",
    ])
  }

  @Test func anItemFromTheScenarioAndAnExternalWriterShowAndAReadChangesNothing() throws {
    let ledger = try Self.ledger("user-exists")
    let write = ledger.event(ofEffect: 1)
    #expect(Self.render(ledger, playhead: write - 1).lines == [
      "users (table) · 1 row", "  mail=x  v1  initial  {\"id\":\"u123\"}",
    ])
    let after = [
      "users (table) · 2 rows",
      "  mail=x  v1  initial         {\"id\":\"u123\"}",
      "  mail=y  v1  signup-service  {\"id\":\"u456\"}",
    ]
    let read = ledger.event(ofEffect: 2)
    #expect(ledger.trace.effects[2].kind == .read)
    #expect(Self.render(ledger, playhead: read).lines == after)
    #expect(ledger.effect(at: read) == nil)
  }

  @Test func aTinyPanelKeepsTheLatestDuplicateAndCountsWhatItHides() throws {
    let ledger = try Self.ledger("status-server-time")
    let end = Self.render(ledger, playhead: ledger.trace.events.count - 1, width: 100, height: 5)
    #expect(end.lines == [
      "statuses (table) · 7 rows",
      "  … 6 more rows",
      "  user=bob,time=2019-09-20T09:03:22.110Z  v1  x3 b2#1+b2#2+b2#3  {\"message\":\"at 12\"}",
      "profiles (table) · 2 rows",
      "  … 2 more rows",
    ])
    #expect(end.total == 11)
    #expect(end.style(of: "…", line: 1) == dark.style(.dim))

    // Fewer lines than targets: the first headers, then how many targets are left out.
    #expect(Self.render(ledger, playhead: ledger.trace.events.count - 1, height: 1).lines == [
      "… 2 more tables and endpoints"
    ])
    #expect(Self.render(ledger, playhead: ledger.trace.events.count - 1, height: 1, focused: true).lines == [
      "statuses (table) · 7 rows"
    ])
  }

  @Test func aTinyPanelKeepsTheRowWrittenAtThePlayhead() throws {
    let ledger = try Self.ledger("status-server-time")
    // a1#2 overwrites alice's profile with the older message.
    let update = ledger.trace.effects.firstIndex { $0.kind == .update }!
    let frame = Self.render(ledger, playhead: ledger.event(ofEffect: update), width: 100, height: 6)
    #expect(frame.lines == [
      "statuses (table) · 5 rows",
      "  … 4 more rows",
      "  user=alice,time=2019-09-20T09:01:05.926Z  v1  x2 a1#1+a1#2  {\"message\":\"hello\"}",
      "profiles (table) · 2 rows",
      "  user=bob    v1  b1#1  {\"lastMessage\":\"hi\"}",
      "▶ user=alice  v2  a1#2  {\"lastMessage\":\"hello\"}",
    ])
  }

  @Test func aFocusedPanelScrollsAndSaysWhatIsAboveAndBelow() throws {
    let ledger = try Self.ledger("status-server-time")
    let end = ledger.trace.events.count - 1
    let top = Self.render(ledger, playhead: end, width: 100, height: 5, scroll: 0, focused: true)
    #expect(top.lines == [
      "statuses (table) · 7 rows",
      "  user=alice,time=2019-09-20T09:00:00.341Z  v1  a1#1  {\"message\":\"hello\"}",
      "  user=bob,time=2019-09-20T09:00:00.897Z    v1  b1#1  {\"message\":\"hi\"}",
      "  user=alice,time=2019-09-20T09:00:01.367Z  v1  a2#1  {\"message\":\"lunch?\"}",
      "  … 7 more lines below",
    ])
    let middle = Self.render(ledger, playhead: end, width: 100, height: 5, scroll: 3, focused: true)
    #expect(middle.lines == [
      "  … 4 more lines above",
      "  user=bob,time=2019-09-20T09:00:01.808Z    v1  b2#1          {\"message\":\"at 12\"}",
      "  user=alice,time=2019-09-20T09:01:05.926Z  v1  x2 a1#1+a1#2  {\"message\":\"hello\"}",
      "  user=bob,time=2019-09-20T09:01:10.650Z    v1  x2 b2#1+b2#2  {\"message\":\"at 12\"}",
      "  … 4 more lines below",
    ])
    // Past the end: the last lines.
    let bottom = Self.render(ledger, playhead: end, width: 100, height: 5, scroll: 99, focused: true)
    #expect(bottom.lines == [
      "  … 7 more lines above",
      "  user=bob,time=2019-09-20T09:03:22.110Z  v1  x3 b2#1+b2#2+b2#3  {\"message\":\"at 12\"}",
      "profiles (table) · 2 rows",
      "  user=bob    v1  b1#1  {\"lastMessage\":\"hi\"}",
      "  user=alice  v2  a1#2  {\"lastMessage\":\"hello\"}",
    ])
    #expect(bottom.total == 11)
    // Unfocused, the scroll offset does not apply.
    #expect(
      Self.render(ledger, playhead: end, width: 100, height: 5, scroll: 3).lines
        == Self.render(ledger, playhead: end, width: 100, height: 5).lines)
  }

  @Test func theHeaderOfAFocusedPanelIsABar() throws {
    let ledger = try Self.ledger("create-user")
    let end = ledger.trace.events.count - 1
    let focused = Self.render(ledger, playhead: end, width: 40, focused: true)
    #expect((0..<40).allSatisfy { focused.grid[$0, 0].style == dark.style(.panelHeaderFocused) })
    let unfocused = Self.render(ledger, playhead: end, width: 40)
    #expect(unfocused.grid[0, 0].style == dark.style(.panelHeader))
    #expect(unfocused.grid[39, 0].style == .plain)
    #expect(focused.lines == unfocused.lines)
  }

  @Test func duplicatesStandOutWithoutColour() throws {
    let ledger = try Self.ledger("newsletter-post")
    let mono = Theme(.mono)
    let frame = Self.render(ledger, playhead: ledger.trace.events.count - 1, theme: mono)
    #expect(frame.lines[2] == "  #2  x2 A#1+A#2  {\"mail\":\"y\"}")
    #expect(frame.style(of: "x2", line: 2) == CellStyle(bold: true, reverse: true))
  }

  @Test func asciiGlyphsLeaveOnlyASCIIOnScreen() throws {
    let condition = try Self.ledger("condition-expression")
    let skip = Self.render(condition, playhead: condition.event(ofEffect: 1), width: 60, glyphs: .ascii)
    #expect(skip.lines == [
      "orders (table) - 1 row",
      "> id=order-42  v2  A#1  A#2 skipped  {\"status\":\"shipped\",\"v.",
      "    -> A#2 skipped: condition failed (attribute_exists(id) .",
      "labels (table) (empty)",
    ])
    let statuses = try Self.ledger("status-server-time")
    let tiny = Self.render(statuses, playhead: statuses.trace.events.count - 1, width: 60, height: 5, glyphs: .ascii)
    #expect(tiny.lines[1] == "  ... 6 more rows")

    // Data may hold any Unicode: it becomes `?`.
    var scenario = try BuiltinScenarios.load(named: "create-user")
    scenario.invocations[0].payload = ["mail": "zoë@例え.jp"]
    let accented = StateLedger(trace: Simulator(scenario: scenario, seed: nil).run())
    let end = Self.render(accented, playhead: accented.trace.events.count - 1, glyphs: .ascii)
    #expect(end.lines[1].hasSuffix("{\"mail\":\"zo?@??.jp\"}"))
    for frame in [skip, tiny, end] {
      #expect(frame.grid.text.unicodeScalars.allSatisfy { $0.isASCII })
    }
  }

  @Test func aWorldWithoutTablesOrEndpointsSaysSo() throws {
    let ledger = try Self.ledger("echo")
    let frame = Self.render(ledger, playhead: ledger.trace.events.count - 1)
    #expect(frame.lines == ["no tables or endpoints in this scenario"])
    #expect(frame.grid[0, 0].style == dark.style(.dim))
    #expect(frame.total == 1)
  }

  @Test func aDeletedItemShowsAsDeletedAndUnlistedTargetsComeLast() {
    let trace = Trace(
      meta: TraceMeta(source: "test", scenario: "delete"),
      effects: [
        TraceEffect(time: 1, invocation: "A", attempt: 1, actor: "A#1", target: "audit", kind: .insert, key: "n=1",
                    after: ["n": 1, "what": "made"], version: 1),
        TraceEffect(time: 2, invocation: "A", attempt: 1, actor: "A#1", target: "t", kind: .delete, key: "id=1",
                    before: ["id": 1, "x": 7], version: 1),
        TraceEffect(time: 3, invocation: "A", attempt: 1, actor: "A#1", target: "logs", kind: .log, key: "",
                    detail: "done"),
      ],
      events: [
        TraceEvent(time: 0, kind: .invoke, invocation: "A"),
        TraceEvent(time: 1, kind: .effect, invocation: "A", attempt: 1, effect: 0),
        TraceEvent(time: 2, kind: .effect, invocation: "A", attempt: 1, effect: 1),
        TraceEvent(time: 3, kind: .effect, invocation: "A", attempt: 1, effect: 2),
      ],
      world: WorldSnapshot(tables: [.init(name: "t", keyAttributes: ["id"], items: [])]))
    let ledger = StateLedger(trace: trace)
    // `audit` is not in the world: it comes after the world's targets.
    #expect(Self.render(ledger, playhead: 0).lines == [
      "t (table) · 1 row", "  id=1  v1  initial  {\"x\":7}", "audit (table) (empty)",
    ])
    #expect(Self.render(ledger, playhead: 3).lines == [
      "t (table) · 0 rows",
      "  id=1  v1  A#1  deleted",
      "audit (table) · 1 row",
      "  n=1  v1  A#1  {\"n\":1,\"what\":\"made\"}",
    ])
  }

  /// 2,000 invocations of create-user, a third of whose first executions crash after inserting:
  /// the ledger's answer for every row at a late playhead matches replaying the effects, and the
  /// panel shows the rows that matter and counts the others.
  @Test func aBigTraceShowsTheRightRowsAtALatePlayhead() throws {
    var scenario = try BuiltinScenarios.load(named: "create-user")
    scenario.invocations = (0..<2_000).map {
      InvocationDefinition(id: "i\($0)", type: .event, at: Milliseconds($0) * 10, payload: ["mail": .string("m\($0)")])
    }
    scenario.faults = [Fault(attempt: 1, point: .after("insert-user"), kind: .crash, probability: 0.3)]
    let trace = Simulator(scenario: scenario, seed: nil).run()
    let ledger = StateLedger(trace: trace)
    let repeats = trace.effects.indices.filter { trace.effects[$0].duplicateOf != nil }
    #expect(repeats.count > 300)
    let playheadEffect = repeats[repeats.count * 9 / 10]
    let playhead = ledger.event(ofEffect: playheadEffect)

    // Replay: the rows as of the playhead, in the order they were inserted.
    let inserted = trace.events[...playhead].compactMap(\.effect).filter { trace.effects[$0].kind == .insert }
    #expect(ledger.lineCount(0, asOf: playhead) == inserted.count)
    #expect(ledger.itemCount(0, asOf: playhead) == inserted.count)
    let target = ledger.targets[0]
    for (line, effect) in inserted.enumerated() {
      #expect(ledger.rows[Int(target.lines[line])].key == trace.effects[effect].key)
      #expect(ledger.rowState(target.lines[line], asOf: playhead) == .init(valueEffect: effect, markEffect: nil))
    }

    // Compact: the playhead's row, the four latest repeats, the three latest rows, in order.
    let frame = Self.render(ledger, playhead: playhead, width: 100, height: 10)
    var kept = [inserted.firstIndex(of: playheadEffect)!]
    for line in inserted.indices.reversed() where trace.effects[inserted[line]].duplicateOf != nil {
      if kept.count == 5 { break }
      if !kept.contains(line) { kept.append(line) }
    }
    for line in inserted.indices.reversed() where kept.count < 8 && !kept.contains(line) { kept.append(line) }
    kept.sort()
    #expect(frame.lines.count == 10)
    #expect(frame.lines[0] == "users (table) · \(inserted.count) rows")
    #expect(frame.lines[1] == "  … \(inserted.count - 8) more rows")
    for (offset, line) in kept.enumerated() {
      let effect = trace.effects[inserted[line]]
      let shown = frame.lines[2 + offset]
      #expect(shown.hasPrefix((inserted[line] == playheadEffect ? "▶ " : "  ") + effect.key + "  v1  "))
      #expect(shown.hasSuffix("{\"mail\":\"\(effect.after!["mail"]!.displayText)\"}"))
      if let first = effect.duplicateOf {
        #expect(shown.contains("x2 \(trace.effects[first].actor)+\(effect.actor)"))
      }
    }

    // Focused and scrolled to the end: the latest rows.
    let bottom = Self.render(ledger, playhead: playhead, width: 100, height: 10, scroll: .max, focused: true)
    #expect(bottom.total == 1 + inserted.count)
    #expect(bottom.lines[0] == "  … \(inserted.count - 8) more lines above")
    for (offset, effect) in inserted.suffix(9).enumerated() {
      #expect(bottom.lines[1 + offset].contains(trace.effects[effect].key))
    }
  }
}
