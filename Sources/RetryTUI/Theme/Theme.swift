/// The look of every part of the screen, by meaning rather than by colour.
///
/// Views ask for a `Role`; the theme answers with a style. Colour is never the only signal: every
/// outcome also has its glyph (`Glyphs`), and the mono theme uses attributes alone.
public struct Theme: Hashable, Sendable {
  public enum Name: String, CaseIterable, Sendable {
    case dark, light, mono

    /// The next theme for the `m` key.
    public var next: Name {
      let all = Name.allCases
      return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
  }

  /// What a cell means.
  public enum Role: CaseIterable, Sendable {
    case normal, dim, title
    case statusBar, statusAccent
    case ruler, laneLabel, laneLabelFocused
    case ok, error, timeout, crash, throttled, running
    case wait, queue, deadLetter, caller, effectMark
    case playhead
    case panelHeader, panelHeaderFocused, rowKey, actor, duplicate, skipped
    case caption, match
    case hint, hintKey, message
    case overlay, overlayTitle, overlaySelection
  }

  public let name: Name

  public init(_ name: Name) {
    self.name = name
  }

  public func style(_ role: Role) -> CellStyle {
    switch name {
    case .dark: Self.dark(role)
    case .light: Self.light(role)
    case .mono: Self.mono(role)
    }
  }

  /// Every style the theme can produce (the terminal allocates its colour pairs from these once).
  public var allStyles: Set<CellStyle> { Set(Role.allCases.map(style)) }

  // Dark: a dark terminal background. Blue only as a background or bright (never dark blue on
  // black, which a projector turns into nothing).
  private static func dark(_ role: Role) -> CellStyle {
    switch role {
    case .normal: .plain
    // The caption is what the audience reads: bold, in the terminal's own text colour.
    case .caption: CellStyle(bold: true)
    case .dim, .ruler, .wait, .hint: CellStyle(foreground: .brightBlack)
    case .title: CellStyle(bold: true)
    case .statusBar: CellStyle(foreground: .black, background: .cyan)
    case .statusAccent: CellStyle(foreground: .black, background: .cyan, bold: true)
    case .laneLabel: CellStyle(foreground: .brightWhite, bold: true)
    case .laneLabelFocused: CellStyle(foreground: .black, background: .white, bold: true)
    case .ok: CellStyle(foreground: .brightGreen, bold: true)
    case .error: CellStyle(foreground: .brightRed, bold: true)
    case .timeout: CellStyle(foreground: .brightYellow, bold: true)
    case .crash: CellStyle(foreground: .brightMagenta, bold: true)
    case .throttled: CellStyle(foreground: .brightCyan)
    case .running: CellStyle(foreground: .brightWhite)
    case .queue: CellStyle(foreground: .cyan)
    case .deadLetter: CellStyle(foreground: .brightWhite, background: .red, bold: true)
    case .caller: CellStyle(foreground: .brightBlue, bold: true)
    case .effectMark: CellStyle(foreground: .brightYellow)
    case .playhead: CellStyle(foreground: .black, background: .yellow, bold: true)
    case .panelHeader: CellStyle(foreground: .brightWhite, bold: true, underline: true)
    case .panelHeaderFocused: CellStyle(foreground: .black, background: .white, bold: true)
    case .rowKey: CellStyle(foreground: .brightCyan)
    case .actor: CellStyle(foreground: .brightBlue, bold: true)
    case .duplicate: CellStyle(foreground: .brightWhite, background: .red, bold: true)
    case .skipped: CellStyle(foreground: .brightBlack, underline: true)
    case .match: CellStyle(foreground: .black, background: .yellow)
    case .hintKey: CellStyle(foreground: .brightWhite, bold: true)
    case .message: CellStyle(foreground: .brightYellow, bold: true)
    case .overlay: CellStyle(foreground: .white, background: .black)
    case .overlayTitle: CellStyle(foreground: .brightWhite, background: .black, bold: true)
    case .overlaySelection: CellStyle(foreground: .black, background: .cyan)
    }
  }

  // Light: a white background. Yellow and bright colours fade on white, so text colours are the
  // dark ones and emphasis is bold.
  private static func light(_ role: Role) -> CellStyle {
    switch role {
    case .normal: .plain
    case .caption: CellStyle(bold: true)
    case .dim, .ruler, .wait, .hint: CellStyle(foreground: .black, dim: true)
    case .title: CellStyle(bold: true)
    case .statusBar: CellStyle(foreground: .white, background: .blue)
    case .statusAccent: CellStyle(foreground: .brightWhite, background: .blue, bold: true)
    case .laneLabel: CellStyle(foreground: .black, bold: true)
    case .laneLabelFocused: CellStyle(foreground: .white, background: .black, bold: true)
    case .ok: CellStyle(foreground: .green, bold: true)
    case .error: CellStyle(foreground: .red, bold: true)
    case .timeout: CellStyle(foreground: .magenta, bold: true)
    case .crash: CellStyle(foreground: .magenta, bold: true, underline: true)
    case .throttled: CellStyle(foreground: .cyan, bold: true)
    case .running: CellStyle(foreground: .black)
    case .queue: CellStyle(foreground: .cyan)
    case .deadLetter: CellStyle(foreground: .white, background: .red, bold: true)
    case .caller: CellStyle(foreground: .blue, bold: true)
    case .effectMark: CellStyle(foreground: .magenta, bold: true)
    case .playhead: CellStyle(foreground: .black, background: .yellow, bold: true)
    case .panelHeader: CellStyle(foreground: .black, bold: true, underline: true)
    case .panelHeaderFocused: CellStyle(foreground: .white, background: .black, bold: true)
    case .rowKey: CellStyle(foreground: .blue)
    case .actor: CellStyle(foreground: .blue, bold: true)
    case .duplicate: CellStyle(foreground: .white, background: .red, bold: true)
    case .skipped: CellStyle(foreground: .black, dim: true, underline: true)
    case .match: CellStyle(foreground: .black, background: .yellow)
    case .hintKey: CellStyle(foreground: .black, bold: true)
    case .message: CellStyle(foreground: .red, bold: true)
    case .overlay: CellStyle(foreground: .black, background: .white)
    case .overlayTitle: CellStyle(foreground: .black, background: .white, bold: true)
    case .overlaySelection: CellStyle(foreground: .white, background: .blue)
    }
  }

  // Mono: NO_COLOR, --no-color, TERM=dumb. Attributes only; the glyphs carry the meaning.
  private static func mono(_ role: Role) -> CellStyle {
    switch role {
    case .normal, .caption, .running, .queue, .wait, .ruler, .throttled, .rowKey, .overlay: .plain
    case .dim, .hint, .skipped: CellStyle(dim: true)
    case .title, .laneLabel, .ok, .error, .timeout, .crash, .caller, .effectMark, .actor, .hintKey, .message,
      .overlayTitle:
      CellStyle(bold: true)
    case .panelHeader: CellStyle(bold: true, underline: true)
    case .statusBar, .laneLabelFocused, .panelHeaderFocused, .overlaySelection: CellStyle(reverse: true)
    case .statusAccent, .deadLetter, .duplicate, .playhead: CellStyle(bold: true, reverse: true)
    case .match: CellStyle(underline: true, reverse: true)
    }
  }
}
