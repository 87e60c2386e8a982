/// What a lane of an imported trace's timeline stands for (`--lanes`).
public enum ImportLanes: String, Sendable, CaseIterable {
  /// One lane per logical event: a request id, or a `--correlate` key.
  case invocations
  /// One lane per log stream: per execution environment, showing which requests each one ran
  /// and where cold starts happened.
  case streams
}
