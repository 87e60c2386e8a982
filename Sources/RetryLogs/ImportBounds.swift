import RetryCore

/// The bounds of a trace file (docs/trace-format.md, "Bounds"), which the trace reader checks
/// (`TraceJSON.timeRange` and `originRange` in RetryIO; a test holds them equal). An import
/// builds only traces inside them, so that `import --out` never writes a trace `tui` refuses,
/// and no sum or difference of two times can overflow on the way.
enum ImportBounds {
  /// Times from the trace's origin: 0 to 100 years of 365.25 days.
  static let times: ClosedRange<Milliseconds> = 0...3_155_760_000_000
  /// Origins, in Unix epoch milliseconds: the years 0000 to 9899.
  static let origins: ClosedRange<Milliseconds> = -62_167_219_200_000...250_246_627_199_999
}
