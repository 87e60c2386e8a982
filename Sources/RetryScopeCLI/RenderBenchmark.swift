import RetryCore
import RetryTUI

/// The render figure of `retryscope bench`: how long the terminal UI takes to produce a frame of
/// a big trace, the work the loop does per step (draw the frame into a grid, diff it against the
/// previous one), with the floor of that work (fill and diff a blank grid of the same size)
/// measured in the same run.
struct RenderBenchmark {
  var invocations: Int
  var frames: Int
  var size: Size
  var failureProbability: Double
  var seed: UInt64

  struct Result {
    var events: Int
    var setupSeconds: Double
    var millisecondsPerFrame: Double
    var baselineMillisecondsPerFrame: Double
    var checksum: Int

    var framesPerSecond: Double { 1_000 / max(millisecondsPerFrame, 1e-9) }
    var ratioToBaseline: Double { millisecondsPerFrame / max(baselineMillisecondsPerFrame, 1e-9) }
  }

  func run() -> Result {
    let clock = ContinuousClock()
    let scenario = BenchmarkWorkload.scenario(invocations: invocations, failureProbability: failureProbability, seed: seed)
    let setupStart = clock.now
    let session = TraceSession(scenario: scenario, seed: nil)
    var state = AppState(tour: [], tourPosition: nil, scenarioName: "bench", session: session, size: size)
    let environment = AppEnvironment(catalog: []) { _ in .failure(LoadFailure("bench")) }
    // The first frame lays out the time axis once (kept in the session): counted as setup.
    var previous = FrameRenderer.render(state, environment: environment)
    let setup = setupStart.duration(to: clock.now).seconds

    // Playheads spread over the whole trace, so frames show every part of it.
    let last = session.lastEvent
    let playheads = (0..<frames).map { last * $0 / max(1, frames - 1) }
    var checksum = 0
    let start = clock.now
    for playhead in playheads {
      state.playhead = playhead
      let grid = FrameRenderer.render(state, environment: environment)
      checksum &+= grid.runs(since: previous).count
      previous = grid
    }
    let elapsed = start.duration(to: clock.now).seconds

    // The floor: the same number of frames of a blank grid filled and diffed.
    var blankPrevious = CellGrid(size: size)
    let baselineStart = clock.now
    for frame in 0..<frames {
      var grid = CellGrid(size: size)
      grid.fill(grid.bounds, with: frame % 2 == 0 ? "." : " ", style: .plain)
      checksum &+= grid.runs(since: blankPrevious).count
      blankPrevious = grid
    }
    let baseline = baselineStart.duration(to: clock.now).seconds
    return Result(
      events: session.eventCount, setupSeconds: setup, millisecondsPerFrame: elapsed * 1_000 / Double(frames),
      baselineMillisecondsPerFrame: baseline * 1_000 / Double(frames), checksum: checksum)
  }
}
