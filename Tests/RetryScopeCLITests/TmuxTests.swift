import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The real binary in a real terminal, driven like a person: tmux runs a plain shell in a detached
/// 80x24 window, the test types commands and keys into it and reads the screen back.
///
/// Each test has its own tmux server (`tmux -L <unique name>`), killed at the end even when the
/// test fails. Every wait polls the screen until it shows what is expected, with a deadline
/// generous enough for a loaded CI machine; when things work the three take about two seconds.
/// tmux is required: `.ci/run` installs it, and without it these tests fail rather than skip.
@Suite struct TmuxTests {
  static let scenario = "async-retries-dlq"

  /// Step, step back exactly, play to the dead letter queue, resize (wider, too small, back),
  /// quit: the shell gets the repro command and a terminal in cooked mode.
  @Test func stepsPlaysResizesAndQuitsLikeAPerson() throws {
    let pane = try TmuxPane.start()
    defer { pane.kill() }
    try pane.typeLine("retryscope tui \(Self.scenario)")
    let first = try pane.waitFor("the status line at step 1/14") { $0.statusLine.contains("step 1/14") }
    #expect(first.statusLine.hasPrefix(" ❚❚ pause  async-retries-dlq · Event · seed 1 · t=0.000s · step 1/14 · 1x"))
    #expect(first.lines.count == 24)

    // Forward three times, one key at a time, keeping the screen at step 3.
    try pane.send("Right")
    try pane.waitFor("step 2/14") { $0.statusLine.contains("step 2/14") }
    try pane.send("Right")
    let third = try pane.waitForSettled("step 3/14") { $0.statusLine.contains("step 3/14") }
    try pane.send("Right")
    try pane.waitFor("step 4/14") { $0.statusLine.contains("step 4/14") }
    // One step back shows exactly what step 3 showed on the way forward.
    try pane.send("Left")
    let back = try pane.waitForSettled("step 3/14 again") { $0.statusLine.contains("step 3/14") }
    #expect(back.text == third.text, "stepping back does not redraw step 3 as it was:\n\(back.text)\nexpected:\n\(third.text)")

    // Up to 16x (one step every ~94 ms), then play to the end: the event goes to the DLQ.
    try pane.send(">", ">", ">", ">")
    try pane.waitFor("the speed at 16x") { $0.statusLine.hasSuffix(" · 16x") }
    try pane.send("Space")
    let end = try pane.waitForSettled("the last step, paused, with the event in the DLQ lane") {
      $0.statusLine.contains("step 14/14") && $0.statusLine.contains("❚❚ pause")
        && $0.text.contains("dead letter queue: all 3 attempts failed")
        && $0.lines.contains { $0.hasPrefix("DLQ") && $0.contains("☠A") }
    }
    #expect(end.lines.count == 24)

    // Wider: the status line has room for the tour position.
    try pane.tmux("resize-window", "-t", TmuxPane.target, "-x", "100", "-y", "30")
    let wide = try pane.waitForSettled("the status line with the tour position at 100x30") {
      $0.statusLine.contains("tour 3/27")
    }
    #expect(wide.lines.count == 30)
    #expect(wide.statusLine.count > 80, "the status line does not use the wider screen: \(wide.statusLine)")
    #expect(wide.statusLine.contains("step 14/14"))
    #expect(wide.lines.contains { $0.hasPrefix("DLQ") && $0.contains("☠A") })

    // Too small, then back to 80x24: the same screen as before the resizes.
    try pane.tmux("resize-window", "-t", TmuxPane.target, "-x", "40", "-y", "10")
    let small = try pane.waitForSettled("the too-small screen") { $0.text.contains("too small: have 40x10, need 60x16") }
    #expect(!small.text.contains("step 14/14"))
    try pane.tmux("resize-window", "-t", TmuxPane.target, "-x", "80", "-y", "24")
    let restored = try pane.waitForSettled("the normal 80x24 screen again") {
      $0.statusLine.contains("step 14/14") && !$0.text.contains("too small")
    }
    #expect(restored.text == end.text, "after the resizes, 80x24 is not drawn as before:\n\(restored.text)\nexpected:\n\(end.text)")

    // q: the UI is gone, the repro command is on screen, and the shell works as before.
    try pane.send("q")
    let quit = try pane.waitForPromptAfterTheUI()
    #expect(quit.lines.contains("retryscope tui async-retries-dlq --seed 1"))
    #expect(!quit.text.contains("step 14/14"), "the UI's screen is still showing:\n\(quit.text)")
    try pane.expectCookedModeAndAWorkingShell()
  }

  /// SIGTERM while the UI runs: it gives the terminal back and exits with 143 (128 + SIGTERM).
  @Test func sigtermGivesTheTerminalBackWithStatus143() throws {
    let pane = try TmuxPane.start()
    defer { pane.kill() }
    // A seed of its own: the marker that tells the UI's process from anything else.
    try pane.typeLine("retryscope tui \(Self.scenario) --seed 4242")
    try pane.waitFor("the UI at step 1/14 with seed 4242") {
      $0.statusLine.contains("seed 4242") && $0.statusLine.contains("step 1/14")
    }
    // tmux send-keys cannot send signals: find the shell's child and signal it.
    let shell = try #require(Int32(try pane.tmux("display", "-p", "-t", TmuxPane.target, "#{pane_pid}").trimmed))
    let ui = try pane.waitForChild(of: shell, withArgument: "4242")
    #expect(kill(ui, SIGTERM) == 0)
    try pane.waitForPromptAfterTheUI()
    try pane.expectExitStatus(143)
    try pane.expectCookedModeAndAWorkingShell()
  }

  /// Ctrl-C is a key in the UI's raw mode: it quits like q (status 0, the repro command printed)
  /// and gives the terminal back.
  @Test func ctrlZSuspendsToTheShellAndFgComesBackToTheSameStep() throws {
    let pane = try TmuxPane.start()
    defer { pane.kill() }
    try pane.typeLine("retryscope tui \(Self.scenario) --seed 55")
    try pane.waitFor("the UI at step 1/14 with seed 55") {
      $0.statusLine.contains("seed 55") && $0.statusLine.contains("step 1/14")
    }
    try pane.send("Right")
    try pane.waitFor("step 2/14") { $0.statusLine.contains("step 2/14") }
    try pane.send("C-z")
    try pane.waitFor("the shell saying the job stopped") { screen in
      screen.lines.contains { $0.contains("Stopped") && $0.contains("retryscope tui") } && screen.lastNonBlankLine == TmuxPane.prompt
    }
    try pane.expectCookedModeAndAWorkingShell()
    try pane.typeLine("fg")
    try pane.waitFor("the UI back at step 2/14") { $0.statusLine.contains("seed 55") && $0.statusLine.contains("step 2/14") }
    try pane.send("q")
    try pane.waitFor("the prompt after quitting") { $0.lines.contains("retryscope tui async-retries-dlq --seed 55") }
    try pane.expectExitStatus(0)
  }

  /// Fork from step 6 of create-user with a crash in the next execution, see it in the status
  /// line, open the diff against the parent, close it, quit cleanly.
  @Test func forkWithACrashThenDiffWithTheParent() throws {
    let pane = try TmuxPane.start()
    defer { pane.kill() }
    try pane.typeLine("retryscope tui create-user")
    try pane.waitFor("the UI at step 1/10") { $0.statusLine.contains("step 1/10") }
    try pane.send("Right", "Right", "Right", "Right", "Right")
    try pane.waitFor("step 6/10") { $0.statusLine.contains("step 6/10") }
    try pane.send("F")
    try pane.waitFor("the fork menu") { $0.text.contains("Fork at step 6") && $0.text.contains("crash in the next execution (A#2)") }
    try pane.send("Down", "Down", "Enter")
    // The whole frame, not its first line: a capture can land while the terminal is still
    // painting the rows below a new status line (the menu still showing).
    let fork = try pane.waitFor("a fork in the status line and its message") {
      $0.statusLine.contains("fork of create-user (crash A#2)") && $0.text.contains("forked at step 6")
    }
    #expect(fork.text.contains("forked at step 6: crash A#2"))
    try pane.send("G", "d")
    let diff = try pane.waitFor("the diff view, painted") {
      $0.statusLine.contains("diff: fork of create-user (crash A#2) | create-user seed 1") && $0.text.contains("users (table)")
    }
    #expect(diff.text.contains("3 exec"))
    #expect(diff.text.contains("x2 A#1+A#3"))
    try pane.send("Escape")
    try pane.waitFor("the fork's screen again") { $0.statusLine.hasPrefix(" ❚❚ pause  fork of create-user") }
    try pane.send("q")
    let quit = try pane.waitForPromptAfterTheUI()
    #expect(quit.lines.contains("retryscope tui create-user --seed 1"))
    try pane.expectExitStatus(0)
    try pane.expectCookedModeAndAWorkingShell()
  }

  @Test func ctrlCQuitsAndGivesTheTerminalBack() throws {
    let pane = try TmuxPane.start()
    defer { pane.kill() }
    try pane.typeLine("retryscope tui \(Self.scenario) --seed 77")
    try pane.waitFor("the UI at step 1/14 with seed 77") {
      $0.statusLine.contains("seed 77") && $0.statusLine.contains("step 1/14")
    }
    try pane.send("Right")
    try pane.waitFor("step 2/14") { $0.statusLine.contains("step 2/14") }
    try pane.send("C-c")
    let quit = try pane.waitForPromptAfterTheUI()
    #expect(quit.lines.contains("retryscope tui async-retries-dlq --seed 77"))
    try pane.expectExitStatus(0)
    try pane.expectCookedModeAndAWorkingShell()
  }
}

/// What a pane shows: its lines, as `capture-pane -p` prints them (trailing blanks trimmed).
struct PaneScreen: Equatable {
  let text: String
  var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
  /// The UI's status line: the first row.
  var statusLine: String { lines.first ?? "" }
  /// The last row with anything on it: the shell's prompt when the shell waits for a command.
  var lastNonBlankLine: String { lines.last { !$0.trimmed.isEmpty } ?? "" }
}

/// A waiting step that ran out of time: what was awaited and the screen at the end.
struct PaneTimeout: Error, CustomStringConvertible {
  let expectation: String
  let seconds: Double
  let screen: String
  var description: String { "timed out after \(seconds) s waiting for \(expectation); the screen:\n\(screen)" }
}

/// A tmux command that failed.
struct TmuxCommandFailure: Error, CustomStringConvertible {
  let description: String
}

/// Runs a program to completion, for tmux: not with Foundation's `Process`, for two reasons.
///
/// - The tmux client that starts the server forks it off as a daemon, which keeps every
///   descriptor it inherits open. `Process` watches its child through a socket the child
///   inherits, so it would wait for the server to exit; and a server started while another test
///   runs a `Process` would hold that one's descriptors too, and hang it.
/// - The test runs on a thread that blocks most signals (SIGHUP, SIGINT, SIGTERM among them),
///   and a child inherits the mask: the shell in the pane and the UI would then never see
///   SIGTERM, nor SIGHUP when the server is killed.
///
/// So the child gets an empty signal mask and default signal actions, no descriptor of ours
/// but its stdout and stderr, and those are unlinked temporary files, read after it exits.
enum ChildProcess {
  static func run(
    _ executable: String, _ arguments: [String], environment: [String: String]
  ) throws -> (status: Int32, stdout: String, stderr: String) {
    let out = try temporaryFile()
    defer { close(out) }
    let err = try temporaryFile()
    defer { close(err) }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, out, 1)
    posix_spawn_file_actions_adddup2(&actions, err, 2)
    // Every other descriptor: closing one that is not open is not an error for posix_spawn.
    let openDescriptors = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
    for descriptor in 3..<max(1_024, (openDescriptors.max() ?? 0) + 1) {
      posix_spawn_file_actions_addclose(&actions, descriptor)
    }

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    var allSignals = sigset_t()
    sigfillset(&allSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    posix_spawnattr_setsigdefault(&attributes, &allSignals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in argv { free(pointer) }
      for pointer in envp { free(pointer) }
    }
    var pid: pid_t = 0
    let error = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    guard error == 0 else {
      throw TmuxCommandFailure(description: "cannot run \(executable): \(String(cString: strerror(error)))")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 {
      guard errno == EINTR else {
        throw TmuxCommandFailure(description: "waitpid \(executable): \(String(cString: strerror(errno)))")
      }
    }
    // The exit status, or 128 + the signal that ended it, as a shell reports it.
    let signal = status & 0x7F
    let exitStatus = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    return (exitStatus, contents(of: out), contents(of: err))
  }

  /// A new file, already unlinked, closed on exec (the child gets it through dup2).
  private static func temporaryFile() throws -> Int32 {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("retryscope-tmux-\(getpid())-\(UUID().uuidString)").path
    let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      throw TmuxCommandFailure(description: "cannot create \(path): \(String(cString: strerror(errno)))")
    }
    unlink(path)
    return descriptor
  }

  private static func contents(of descriptor: Int32) -> String {
    lseek(descriptor, 0, SEEK_SET)
    var data = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 16_384)
    while true {
      let count = read(descriptor, &buffer, buffer.count)
      if count > 0 {
        data.append(contentsOf: buffer[0..<count])
      } else if count == 0 || errno != EINTR {
        break
      }
    }
    return String(decoding: data, as: UTF8.self)
  }
}

/// A private tmux server with one detached session running a plain bash.
final class TmuxPane {
  static let target = "ui"
  /// The shell's prompt, as `capture-pane` shows it (without the trailing space).
  static let prompt = "rs>"
  /// Generous for a loaded 2-core CI machine; a wait that works returns as soon as it can.
  static let deadline = 20.0
  static let pollInterval: useconds_t = 50_000

  let executable: String
  let socket: String
  /// The environment of every tmux client: ours, without TMUX so it also works inside tmux.
  let environment: [String: String]

  private init(executable: String, socket: String) {
    self.executable = executable
    self.socket = socket
    var environment = ProcessInfo.processInfo.environment
    environment["TMUX"] = nil
    environment["TMUX_PANE"] = nil
    self.environment = environment
  }

  /// tmux on PATH, or nil.
  static func findTmux() -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = "\(directory)/tmux"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  static func shellQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  /// A new server and session: `bash --norc --noprofile` in a clean environment, with the built
  /// `retryscope` first on PATH (typed commands stay short: none wraps at 80 columns), no history
  /// file written, and a shell that exits by itself after two idle minutes should a test crash
  /// before killing the server; 80x24, at its first prompt.
  static func start() throws -> TmuxPane {
    let executable = try #require(
      findTmux(),
      "tmux is not installed: the terminal UI's end-to-end tests need it. Install tmux (apt-get install tmux; .ci/run does this).")
    let socket = "retryscope-test-\(getpid())-\(UUID().uuidString.prefix(8))"
    let pane = TmuxPane(executable: executable, socket: socket)
    let home = ProcessInfo.processInfo.environment["HOME"] ?? "/tmp"
    let binary = try #require(ExecutableTests.binary, "build the retryscope executable first")
    let path = binary.deletingLastPathComponent().path + ":"
      + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
    let shell = [
      "env", "-i", "HOME=\(shellQuoted(home))", "PATH=\(shellQuoted(path))", "TERM=xterm-256color", "LANG=C.UTF-8",
      "PS1=\(shellQuoted(prompt + " "))", "HISTFILE=/dev/null", "TMOUT=120", "bash", "--norc", "--noprofile",
    ].joined(separator: " ")
    do {
      try pane.tmux("new-session", "-d", "-s", target, "-x", "80", "-y", "24", shell)
      try pane.waitFor("the shell's first prompt") { $0.lastNonBlankLine == prompt }
    } catch {
      pane.kill()
      throw error
    }
    return pane
  }

  /// Runs `tmux -L <socket> -f /dev/null <arguments>` and returns its stdout.
  @discardableResult
  func tmux(_ arguments: String...) throws -> String {
    try tmux(arguments)
  }

  @discardableResult
  func tmux(_ arguments: [String]) throws -> String {
    // -f /dev/null: the user's ~/.tmux.conf must not change what the test sees.
    let result = try ChildProcess.run(executable, ["-L", socket, "-f", "/dev/null"] + arguments, environment: environment)
    guard result.status == 0 else {
      throw TmuxCommandFailure(
        description: "tmux \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
    }
    return result.stdout
  }

  /// Kills the server, the shell and whatever runs in it, and removes the server's socket (tmux
  /// leaves it behind). Safe to call twice.
  func kill() {
    let socketPath = try? tmux("display-message", "-p", "#{socket_path}").trimmed
    _ = try? tmux("kill-server")
    if let socketPath, !socketPath.isEmpty { unlink(socketPath) }
  }

  func screen() throws -> PaneScreen {
    var text = try tmux("capture-pane", "-p", "-t", Self.target)
    if text.hasSuffix("\n") { text.removeLast() }
    return PaneScreen(text: text)
  }

  /// Keys by tmux name (`Right`, `Space`, `C-c`, `q`), one `send-keys`.
  func send(_ keys: String...) throws {
    try tmux(["send-keys", "-t", Self.target] + keys)
  }

  /// Types `line` literally, then Enter.
  func typeLine(_ line: String) throws {
    try tmux(["send-keys", "-t", Self.target, "-l", line])
    try send("Enter")
  }

  /// Polls the screen until `condition` holds; throws `PaneTimeout` at the deadline.
  @discardableResult
  func waitFor(_ expectation: String, _ condition: (PaneScreen) -> Bool) throws -> PaneScreen {
    try poll(expectation, settled: false, condition)
  }

  /// Like `waitFor`, and the screen must also be the same on two polls in a row: a frame is
  /// written in one go, but tmux may read it in pieces, and a comparison needs the whole frame.
  @discardableResult
  func waitForSettled(_ expectation: String, _ condition: (PaneScreen) -> Bool) throws -> PaneScreen {
    try poll(expectation, settled: true, condition)
  }

  private func poll(_ expectation: String, settled: Bool, _ condition: (PaneScreen) -> Bool) throws -> PaneScreen {
    let start = Date()
    var previous: PaneScreen?
    var last = PaneScreen(text: "")
    while true {
      last = try screen()
      if condition(last) && (!settled || last == previous) { return last }
      previous = last
      if Date().timeIntervalSince(start) > Self.deadline {
        throw PaneTimeout(expectation: expectation, seconds: Self.deadline, screen: last.text)
      }
      usleep(Self.pollInterval)
    }
  }

  /// Waits until the UI is gone and the shell prompts again, below the command that started it.
  @discardableResult
  func waitForPromptAfterTheUI() throws -> PaneScreen {
    try waitFor("the shell's prompt after the UI") { screen in
      guard let command = screen.lines.firstIndex(where: { $0.hasPrefix(Self.prompt) && $0.contains(" tui ") }) else {
        return false
      }
      return screen.lines[(command + 1)...].contains(Self.prompt) && screen.lastNonBlankLine == Self.prompt
    }
  }

  /// `echo status=$?` prints `status=<status>`.
  func expectExitStatus(_ status: Int32, sourceLocation: SourceLocation = #_sourceLocation) throws {
    try typeLine("echo status=$?")
    let screen = try waitFor("the output of echo status=$?") { screen in
      screen.lines.contains { $0.hasPrefix("status=") }
    }
    let line = screen.lines.first { $0.hasPrefix("status=") }
    #expect(line == "status=\(status)", sourceLocation: sourceLocation)
  }

  /// The terminal is back in cooked mode (canonical input, echo) and the shell runs commands.
  func expectCookedModeAndAWorkingShell(sourceLocation: SourceLocation = #_sourceLocation) throws {
    try typeLine("stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' ,; echo END")
    // The typed command also ends in END: the output is the line that is not a prompt line.
    let modes = try waitFor("the output of stty") { screen in
      screen.lines.contains { $0.hasSuffix("END") && !$0.hasPrefix(Self.prompt) }
    }
    let line = modes.lines.first { $0.hasSuffix("END") && !$0.hasPrefix(Self.prompt) }
    #expect(
      line == "icanon,echo,END", "the terminal is not back in cooked mode:\n\(modes.text)", sourceLocation: sourceLocation)
    try typeLine("echo alive-$((6*7))")
    try waitFor("alive-42 from the shell") { $0.lines.contains("alive-42") }
  }

  /// The pid of a child of `parent` whose command line has `argument`, once it exists.
  func waitForChild(of parent: Int32, withArgument argument: String) throws -> Int32 {
    let start = Date()
    while true {
      if let child = Self.children(of: parent).first(where: { Self.arguments(of: $0).contains(argument) }) {
        return child
      }
      if Date().timeIntervalSince(start) > Self.deadline {
        throw PaneTimeout(
          expectation: "a child of pid \(parent) with argument \(argument)", seconds: Self.deadline, screen: try screen().text)
      }
      usleep(Self.pollInterval)
    }
  }

  /// The processes whose parent is `parent`, from /proc/<pid>/stat (Linux).
  static func children(of parent: Int32) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry -> Int32? in
      guard let pid = Int32(entry),
        let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { return nil }
      // After "pid (comm)": state, then the parent's pid.
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      return fields.count > 1 && Int32(fields[1]) == parent ? pid : nil
    }
  }

  /// The command line of `pid`, one string per argument.
  static func arguments(of pid: Int32) -> [String] {
    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return [] }
    return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
  }
}

extension String {
  fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
