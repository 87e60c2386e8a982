import RetryTUI

/// The colour pairs of one terminal session: planned and allocated once, when the terminal opens.
///
/// ncurses draws colour through numbered (foreground, background) pairs. Allocating them while
/// drawing would make the frame's look depend on the order styles first appeared, and a terminal
/// has a limited number of them; so the app passes every style it can draw (the union of all
/// themes) and each distinct colour combination gets its pair up front. Pure: the backend makes
/// the `init_pair` calls from `allocations`.
struct ColorPairs: Sendable {
  /// A pair number and whether the style needs bold to look like it should (a bright foreground
  /// on a terminal with only the 8 base colours).
  struct Entry: Hashable, Sendable {
    var pair: Int16
    var bold: Bool
  }

  /// One pair to allocate: ncurses colour numbers, -1 for the terminal's default.
  struct Allocation: Hashable, Sendable {
    var pair: Int16
    var foreground: Int16
    var background: Int16
  }

  private struct Colors: Hashable {
    var foreground: TerminalColor?
    var background: TerminalColor?
  }

  /// The `init_pair` calls to make, in pair order.
  private(set) var allocations: [Allocation] = []
  private var entries: [Colors: Entry] = [:]
  private let colorCount: Int
  private let enabled: Bool

  /// No colour at all (`--no-color`, a monochrome terminal): every style draws with pair 0, the
  /// terminal's default colours, and keeps only its attributes.
  static let monochrome = ColorPairs()

  private init() {
    colorCount = 0
    enabled = false
  }

  /// Plans the pairs for `styles` on a terminal with `colors` colours and `pairs` colour pairs.
  /// `defaultColors`: whether `use_default_colors` worked, so -1 means the terminal's own
  /// foreground or background; otherwise nil colours become white on black, as pair 0 is then.
  init(styles: Set<CellStyle>, colors: Int, pairs: Int, defaultColors: Bool) {
    colorCount = colors
    enabled = true
    let combinations = Set(styles.map { Colors(foreground: $0.foreground, background: $0.background) })
    // Sorted so that pair numbers do not depend on Set order.
    let ordered = combinations.sorted { key($0) < key($1) }
    var pairOf: [[Int16]: Int16] = [:]
    let defaultPair: [Int16] = defaultColors ? [-1, -1] : [7, 0]
    for colors in ordered {
      let foreground = number(colors.foreground, default: defaultColors ? -1 : 7)
      let background = number(colors.background, default: defaultColors ? -1 : 0)
      let bold = isBrightened(colors.foreground)
      let resolved = [foreground, background]
      if resolved == defaultPair {
        entries[colors] = Entry(pair: 0, bold: bold)
      } else if let pair = pairOf[resolved] {
        entries[colors] = Entry(pair: pair, bold: bold)
      } else if allocations.count + 1 < min(pairs, Int(Int16.max)) {
        let pair = Int16(allocations.count + 1)
        allocations.append(Allocation(pair: pair, foreground: foreground, background: background))
        pairOf[resolved] = pair
        entries[colors] = Entry(pair: pair, bold: bold)
      } else {
        // Out of pairs (a terminal with very few): the default colours, still readable.
        entries[colors] = Entry(pair: 0, bold: bold)
      }
    }
  }

  /// The pair and extra bold for `style`. A style that was not planned draws in the default
  /// colours (pair 0): never an allocation while drawing.
  func entry(for style: CellStyle) -> Entry {
    guard enabled else { return Entry(pair: 0, bold: false) }
    return entries[Colors(foreground: style.foreground, background: style.background)]
      ?? Entry(pair: 0, bold: isBrightened(style.foreground))
  }

  /// The ncurses colour number of `color`: the bright ones fall back to their base colour on a
  /// terminal with fewer than 16 colours (where bold draws them bright).
  private func number(_ color: TerminalColor?, default fallback: Int16) -> Int16 {
    guard let color else { return fallback }
    return Int16(colorCount >= 16 ? color.ansi : color.base.ansi)
  }

  private func isBrightened(_ foreground: TerminalColor?) -> Bool {
    enabled && colorCount < 16 && foreground?.isBright == true
  }

  private func key(_ colors: Colors) -> Int {
    (colors.foreground.map { $0.ansi } ?? 16) * 32 + (colors.background.map { $0.ansi } ?? 16)
  }
}
