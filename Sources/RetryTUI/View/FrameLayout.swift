/// Where each part of the screen goes for a size: computed, never stored, so a resize at any
/// moment just lays out the next frame anew.
public struct FrameLayout: Equatable, Sendable {
  /// The smallest screen the UI draws on; below it, a "too small" screen. 60x16 keeps every
  /// part readable (a projector at 36 px on 1280x720 gives about 59x16).
  public static let minimum = Size(width: 60, height: 16)
  /// The largest frame `run --format frame --size` draws: beyond a 4K screen at a 4x8-pixel
  /// font (960x270), with room to spare; a frame is a cell grid of width x height, and a size
  /// such as 100000x100000 would ask for gigabytes.
  public static let maximum = Size(width: 1000, height: 500)

  /// A frame size as `--size` takes it (`80x24`), within `minimum...maximum`, or the one line
  /// that says why not.
  public static func size(parsing text: String) -> Result<Size, SizeError> {
    guard let size = Size(parsing: text) else { return .failure(SizeError("expected WIDTHxHEIGHT such as 80x24, got '\(text)'")) }
    if size.width < minimum.width || size.height < minimum.height {
      return .failure(SizeError("\(size) is smaller than the smallest screen the UI draws on, \(minimum)"))
    }
    if size.width > maximum.width || size.height > maximum.height {
      return .failure(SizeError("\(size) is larger than the largest frame drawn, \(maximum)"))
    }
    return .success(size)
  }

  /// Why a size is refused, in one line.
  public struct SizeError: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
  }

  public var status: Rect
  /// The scenario's title; dropped on short screens.
  public var title: Rect?
  public var timeline: Rect
  public var panel: Rect
  public var caption: Rect
  public var hint: Rect

  /// - Parameter timelineRows: the rows the timeline would like: ruler and lanes with a blank row
  ///   between lanes (`spaced`), and without (`compact`); the blank rows go first.
  public init?(size: Size, timelineRows: (spaced: Int, compact: Int)) {
    guard size.width >= Self.minimum.width, size.height >= Self.minimum.height else { return nil }
    var rest = Rect(size: size)
    (status, rest) = rest.splitTop(1)
    if size.height >= 20 {
      let titleRow: Rect
      (titleRow, rest) = rest.splitTop(1)
      title = titleRow
    } else {
      title = nil
    }
    (rest, hint) = rest.splitBottom(1)
    // Captions run to two lines at 80 columns; one is enough on a wide screen.
    let captionRows = size.width >= 140 ? 1 : 2
    (rest, caption) = rest.splitBottom(captionRows)
    // The timeline takes what it wants, but leaves the state panel at least 40% (and 5 rows).
    let available = rest.height
    let panelMinimum = max(5, available * 2 / 5)
    let room = available - panelMinimum
    let rows = max(3, timelineRows.spaced <= room ? timelineRows.spaced : min(timelineRows.compact, room))
    (timeline, panel) = rest.splitTop(rows)
  }
}
