import RetryCore

/// Everything the screen shows, as a value: a frame is a pure function of it, and every key is a
/// function from one state to the next (`AppReducer`), which is what the reducer tests assert.
public struct AppState: Equatable {
  /// What has the keyboard: the main screen or one of the overlays and input lines.
  public enum Mode: Equatable {
    case normal
    /// The help overlay, scrolled by `scroll` lines.
    case help(scroll: Int)
    /// The scenario picker: the filter typed so far and the selected row of the filtered list.
    case picker(filter: String, selection: Int)
    /// Typing a search after `/`.
    case search(String)
    /// Typing a command after `:`.
    case command(String)
    /// The fork menu (`F`): what to switch for the future of this run; the selected row.
    case fork(selection: Int)
  }

  /// The run the diff view (`d`) compares the current one with.
  public struct Comparison: Equatable {
    public var session: TraceSession
    /// How the status line and the column header name it (`create-user seed 2`).
    public var label: String

    public init(session: TraceSession, label: String) {
      self.session = session
      self.label = label
    }

    public static func == (lhs: Comparison, rhs: Comparison) -> Bool {
      lhs.session === rhs.session && lhs.label == rhs.label
    }
  }

  /// A run a fork was made from: what `u` returns to.
  public struct ForkParent: Equatable {
    public var session: TraceSession
    public var scenarioName: String
    public var tourPosition: Int?
    /// What the fork switched (`crash A#2`, `maximumRetryAttempts 0`).
    public var change: String

    public static func == (lhs: ForkParent, rhs: ForkParent) -> Bool {
      lhs.session === rhs.session && lhs.scenarioName == rhs.scenarioName && lhs.tourPosition == rhs.tourPosition
        && lhs.change == rhs.change
    }
  }

  /// The panel that ↑ and ↓ scroll.
  public enum Focus: String, Equatable, CaseIterable {
    case timeline, state
  }

  /// A search and where its matches are.
  public struct Search: Equatable {
    public var query: String
    /// Event indexes whose caption or effect matches, ascending.
    public var matches: [Int]
  }

  /// The scenarios PageDown and PageUp walk through, in the talk's order.
  public var tour: [String]
  /// Where the current scenario is in `tour` (nil: opened from elsewhere, such as a file).
  public var tourPosition: Int?
  /// The name the status line shows (a built-in name or a file).
  public var scenarioName: String
  /// Options the run was opened with that the reproduce command must repeat (an imported log's
  /// `--correlate event.orderId`, `--lanes streams`).
  public var reproduceOptions: [String] = []
  /// The files the run was opened from, one argument each, when `scenarioName` joins several
  /// (`a.log b.log`): the reproduce command quotes each on its own.
  public var reproduceInputs: [String]?
  public var session: TraceSession
  /// Index into `session.trace.events`: the step the screen shows.
  public var playhead: Int = 0
  public var playing = false
  /// Index into `PlaybackSpeed.levels`.
  public var speed = PlaybackSpeed.normal
  public var timeMode: TimeAxis.Mode = .folded
  public var zoom = 0
  public var focus: Focus = .timeline
  public var laneScroll = 0
  public var stateScroll = 0
  public var theme: Theme.Name
  public var ascii: Bool
  public var mode: Mode = .normal
  public var search: Search?
  /// One line for the user (a command's error, "end of the tour"), shown until the next key.
  public var message: String?
  public var size: Size
  /// The presenter's blank screen (`b`): nothing drawn until the next key.
  public var blanked = false
  public var quitRequested = false
  /// The diff view (`d`) is open, comparing the current run with this one.
  public var comparison: Comparison?
  /// The runs this one was forked from, the innermost last (empty: not a fork).
  public var forkParents: [ForkParent] = []

  public init(
    tour: [String], tourPosition: Int?, scenarioName: String, session: TraceSession, theme: Theme.Name = .dark,
    ascii: Bool = false, size: Size = Size(width: 80, height: 24)
  ) {
    self.tour = tour
    self.tourPosition = tourPosition
    self.scenarioName = scenarioName
    self.session = session
    self.theme = theme
    self.ascii = ascii
    self.size = size
  }

  public var trace: Trace { session.trace }

  /// The message line on opening a scenario with warnings (`ScenarioWarning`): the first, in the
  /// one line the screen has, and how many more `retryscope validate` lists; nil without any.
  public static func warningMessage(_ warnings: [ScenarioWarning]) -> String? {
    guard let first = warnings.first else { return nil }
    let more = warnings.count - 1
    return first.description + (more == 0 ? "" : " (and \(more) more: retryscope validate lists them)")
  }

  /// How the current run is named where two are compared: `create-user seed 1`, a file name, or
  /// `fork of create-user (crash A#2)`.
  public var runLabel: String {
    if let fork = forkParents.last { return "fork of \(scenarioName) (\(fork.change))" }
    return session.seed.map { "\(scenarioName) seed \($0)" } ?? scenarioName
  }
  public var isAtEnd: Bool { playhead >= session.lastEvent }

  /// The next scenario of the tour, if any.
  public var nextInTour: String? {
    guard let position = tourPosition, position + 1 < tour.count else { return nil }
    return tour[position + 1]
  }

  public var previousInTour: String? {
    guard let position = tourPosition, position > 0 else { return nil }
    return tour[position - 1]
  }

  /// The command that reproduces this run: printed on exit, so a run seen on screen can be
  /// shared in a bug report or replayed after the talk.
  public var reproduceCommand: String {
    // A recorded trace (a file, logs) has a seed in its meta but nothing to reseed: `--seed` is
    // refused for it.
    let seed = session.scenario == nil ? [] : session.seed.map { ["--seed", "\($0)"] } ?? []
    // Quoted for the shell: a file named `a b;rm -rf x` is pasted back as one argument.
    return ShellQuoting.command(["retryscope", "tui"] + (reproduceInputs ?? [scenarioName]) + seed + reproduceOptions)
  }

  public static func == (lhs: AppState, rhs: AppState) -> Bool {
    lhs.session === rhs.session && lhs.tour == rhs.tour && lhs.tourPosition == rhs.tourPosition
      && lhs.scenarioName == rhs.scenarioName && lhs.reproduceOptions == rhs.reproduceOptions && lhs.reproduceInputs == rhs.reproduceInputs && lhs.playhead == rhs.playhead && lhs.playing == rhs.playing
      && lhs.speed == rhs.speed && lhs.timeMode == rhs.timeMode && lhs.zoom == rhs.zoom && lhs.focus == rhs.focus
      && lhs.laneScroll == rhs.laneScroll && lhs.stateScroll == rhs.stateScroll && lhs.theme == rhs.theme
      && lhs.ascii == rhs.ascii && lhs.mode == rhs.mode && lhs.search == rhs.search && lhs.message == rhs.message
      && lhs.size == rhs.size && lhs.blanked == rhs.blanked && lhs.quitRequested == rhs.quitRequested
      && lhs.comparison == rhs.comparison && lhs.forkParents == rhs.forkParents
  }
}

/// Autoplay speeds: steps per second relative to the default of one step every 1.5 s, slow
/// enough to read a caption aloud.
public enum PlaybackSpeed {
  public static let levels: [Double] = [0.25, 0.5, 1, 2, 4, 8, 16]
  public static let normal = 2
  static let baseInterval = 1_500

  /// Milliseconds between two steps at `level`.
  public static func interval(_ level: Int) -> Int {
    Int((Double(baseInterval) / levels[level]).rounded())
  }

  /// `1x`, `0.5x`, `16x`.
  public static func label(_ level: Int) -> String {
    let value = levels[level]
    return value == value.rounded() ? "\(Int(value))x" : "\(value)x"
  }
}
