import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// One line the handler process printed while it worked on an execution.
public struct FunctionLogLine: Sendable, Equatable {
  /// From the execution's delivery (its start) to when RetryScope read the line; 0 for a line the
  /// init phase printed before the delivery.
  public var offset: Duration
  public var text: String
}

/// The function's log: what the handler process prints on stdout and stderr (one pipe, in the
/// order written), split into lines, each stamped when read and attributed to the execution in
/// progress, as Lambda writes a function's lines between its START and END. Lines printed while no
/// execution is in progress (after an answer, before the next request) belong to none and only go
/// to the log file.
///
/// Bounded: a handler that prints a gigabyte must not exhaust memory. An execution keeps at most
/// `maxLines` lines and `maxBytes` bytes, each line at most `maxLineBytes` (the rest of a longer
/// line is cut, with `…`); past that, lines are counted and one last line says how many were left
/// out. The log file keeps the first `maxFileBytes` of the whole output.
///
/// `@unchecked Sendable`: the state is behind the mutex; the dispatch source (thread-safe, as
/// every libdispatch object is), the pipe and the file are set once.
final class FunctionLog: @unchecked Sendable {
  static let maxLines = 1_000
  static let maxBytes = 64 * 1024
  static let maxLineBytes = 8 * 1024
  static let maxFileBytes = 16 * 1024 * 1024

  private struct State {
    /// The bytes of a line not ended yet.
    var pending: [UInt8] = []
    var pendingCut = false
    var requestId: String?
    /// Whether an execution has begun: until then, lines are the init phase's, held for the first.
    var begun = false
    var started: ContinuousClock.Instant?
    var delivered: ContinuousClock.Instant?
    /// When the execution ended: no line of it is stamped later.
    var ended: ContinuousClock.Instant?
    var lines: [FunctionLogLine] = []
    var bytes = 0
    var droppedLines = 0
    var droppedBytes = 0
    var fileBytes = 0
    var closed = false
  }

  private let state = Mutex(State())
  private let descriptor: Int32
  private let file: FileHandle
  private let pipe: Pipe
  /// Where each attributed line goes as it is read (the simulator's mailbox), with its request id.
  private let sink: @Sendable (FunctionLogLine, String) -> Void
  private let source: any DispatchSourceRead

  /// Reads `pipe` (the process's stdout and stderr) as it fills, copying it to `file`.
  init(pipe: Pipe, file: FileHandle, sink: @escaping @Sendable (FunctionLogLine, String) -> Void) {
    self.pipe = pipe
    self.file = file
    self.sink = sink
    descriptor = pipe.fileHandleForReading.fileDescriptor
    _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    source = DispatchSource.makeReadSource(fileDescriptor: descriptor, queue: .global())
    // Resumed at once: libdispatch traps on releasing a source never resumed.
    source.setEventHandler { [weak self] in self?.drain() }
    source.resume()
  }

  deinit { source.cancel() }

  /// From now on, lines belong to `requestId`. The first execution also gets what the init
  /// phase printed before it began (held until then, within the same bounds).
  func begin(_ requestId: String) {
    drain()
    state.withLock { state in
      state.requestId = requestId
      state.started = .now
      state.delivered = nil
      state.ended = nil
      if !state.begun {
        state.begun = true
        for line in state.lines { sink(line, requestId) }
        return
      }
      state.lines = []
      state.bytes = 0
      state.droppedLines = 0
      state.droppedBytes = 0
    }
  }

  /// The runtime has just taken the invocation: offsets count from here.
  func delivered() {
    drain()
    state.withLock { $0.delivered = .now }
  }

  /// Ends the execution: every byte written so far is read, an unfinished last line is taken as
  /// a line, and the lines that were left out are counted in one last line, none stamped after
  /// `end` (the answer, or the end of the process). Returns its lines.
  func finish(endedAt end: ContinuousClock.Instant) -> [FunctionLogLine] {
    state.withLock { $0.ended = end }
    drain()
    return state.withLock { state in
      if !state.pending.isEmpty || state.pendingCut { emit(&state) }
      if state.droppedLines > 0 {
        let note = FunctionLogLine(
          offset: offset(state), text: "[RetryScope] \(state.droppedLines) more lines (\(state.droppedBytes) bytes) of this execution's log were not recorded: at most \(Self.maxLines) lines and \(Self.maxBytes / 1024) KiB per execution")
        state.lines.append(note)
        if let requestId = state.requestId { sink(note, requestId) }
      }
      state.requestId = nil
      defer { state.lines = [] }
      return state.lines
    }
  }

  /// Stops reading (the process is gone).
  func close() {
    drain()
    let wasOpen = state.withLock { state in
      defer { state.closed = true }
      return !state.closed
    }
    if wasOpen { source.cancel() }
  }

  /// Reads whatever the pipe holds, without waiting. Called as the pipe fills, and before every
  /// request the process makes: a line printed before a call is recorded before the call.
  func drain() {
    state.withLock { state in
      guard !state.closed else { return }
      var buffer = [UInt8](repeating: 0, count: 65_536)
      while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 {
          take(buffer[0..<count], into: &state)
          continue
        }
        if count == 0 {
          // The end of the output: the process has exited.
          state.closed = true
          source.cancel()
        }
        return
      }
    }
  }

  private func take(_ chunk: ArraySlice<UInt8>, into state: inout State) {
    if state.fileBytes < Self.maxFileBytes {
      let kept = chunk.prefix(Self.maxFileBytes - state.fileBytes)
      try? file.write(contentsOf: kept)
      state.fileBytes += kept.count
    }
    var rest = chunk
    while let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
      append(rest[rest.startIndex..<newline], to: &state)
      emit(&state)
      rest = rest[(newline + 1)...]
    }
    append(rest, to: &state)
  }

  private func append(_ bytes: ArraySlice<UInt8>, to state: inout State) {
    let room = Self.maxLineBytes - state.pending.count
    if bytes.count > room {
      state.pending.append(contentsOf: bytes.prefix(max(room, 0)))
      state.pendingCut = true
    } else {
      state.pending.append(contentsOf: bytes)
    }
  }

  /// Ends the pending line: recorded if an execution is in progress and within the bounds.
  private func emit(_ state: inout State) {
    defer {
      state.pending.removeAll(keepingCapacity: true)
      state.pendingCut = false
    }
    let requestId = state.requestId
    guard requestId != nil || !state.begun else { return }
    if state.pending.last == UInt8(ascii: "\r") { state.pending.removeLast() }
    guard state.lines.count < Self.maxLines, state.bytes + state.pending.count <= Self.maxBytes else {
      state.droppedLines += 1
      state.droppedBytes += state.pending.count
      return
    }
    state.bytes += state.pending.count
    // Invalid UTF-8 becomes U+FFFD; control characters stay, and every output shows them safely
    // (TerminalText), as for any text from outside.
    let text = String(decoding: state.pending, as: UTF8.self) + (state.pendingCut ? "…" : "")
    let line = FunctionLogLine(offset: offset(state), text: text)
    state.lines.append(line)
    if let requestId { sink(line, requestId) }
  }

  private func offset(_ state: State) -> Duration {
    guard let delivered = state.delivered else { return .zero }
    let now = ContinuousClock.now
    return max(.zero, min(now, state.ended ?? now) - delivered)
  }
}
