import RetryCore

/// The top line: play state, scenario, invocation types, seed, simulated time, step k of N,
/// speed, tour position, time mode, zoom and search; parts drop from the right when the screen
/// is narrow.
enum StatusLine {
  static func render(_ state: AppState, glyphs: Glyphs, theme: Theme, area: Rect, into grid: inout CellGrid) {
    let bar = theme.style(.statusBar)
    let accent = theme.style(.statusAccent)
    grid.fill(area, style: bar)
    let trace = state.trace
    let playState = state.playing ? "\(glyphs.play) play" : "\(glyphs.pause)\(glyphs.pause) pause"
    let time = trace.events.isEmpty ? 0 : trace.events[state.playhead].time
    var parts: [String] = [
      state.session.model.invocationTypes,
      state.session.scenario == nil && trace.meta.source == "import" ? "from logs" : "seed \(state.session.seed.map(String.init) ?? "-")",
      "t=\(DurationText.offset(time))",
      "step \(trace.events.isEmpty ? 0 : state.playhead + 1)/\(trace.events.count)",
      PlaybackSpeed.label(state.speed),
    ]
    if let position = state.tourPosition { parts.append("tour \(position + 1)/\(state.tour.count)") }
    if state.timeMode == .linear { parts.append("linear") }
    if state.zoom != 0 { parts.append("zoom \(state.zoom > 0 ? "+" : "")\(state.zoom)") }
    if let search = state.search { parts.append("/\(search.query) (\(search.matches.count))") }
    let separator = " \(glyphs.dot) "
    let head = " \(playState)  "
    var x = grid.put(head, x: area.x, y: area.y, style: accent, clip: area)
    let name = state.forkParents.last.map { "fork of \(state.scenarioName) (\($0.change))" } ?? state.scenarioName
    x = grid.put(name, x: x, y: area.y, width: max(0, area.maxX - x), style: accent)
    // Keep what fits, in order of importance; `RequestResponse` becomes `RR` before the step
    // count has to go.
    func fits(_ parts: [String]) -> Bool { x + DisplayText.width(separator + parts.joined(separator: separator)) <= area.maxX }
    if !fits(Array(parts.prefix(4))), parts[0] == "RequestResponse" { parts[0] = "RR" }
    var shown = parts
    while !shown.isEmpty, !fits(shown) { shown.removeLast() }
    if !shown.isEmpty {
      grid.put(separator + shown.joined(separator: separator), x: x, y: area.y, style: bar, clip: area)
    }
  }
}
