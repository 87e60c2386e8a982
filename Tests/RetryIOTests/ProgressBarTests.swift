import Foundation
import RetryLogs
import Testing

@testable import RetryIO

/// The progress bar of long imports: its line at every width, how often it draws, and that it
/// never writes a byte when standard error is not a terminal.
@Suite struct ProgressBarTests {
  static let title = "importing app.log.gz"

  /// The title names the input file, and the bar writes to the terminal itself: an escape
  /// sequence in a file name is shown (`^[`), and the only escapes written are the bar's own.
  @Test func aFileNameCannotDriveTheTerminal() {
    let written = Self.drawn("importing a\u{1b}]52;c;SGVsbG8=\u{07}.log", width: 80).written
    #expect(written.hasPrefix("\rimporting a^[]52;c;SGVsbG8=^G.log  ["))
    #expect(written.components(separatedBy: "\u{1b}").count - 1 == 2)
    #expect(written.hasSuffix("\r\u{1b}[K"))
  }

  /// What a bar on a terminal titled `title` writes at `width` for 0, then 500 bytes of 1,000,
  /// then its end; and the title it shows.
  static func drawn(_ title: String, width: Int, ascii: Bool = false) -> (title: String, written: String) {
    var written = ""
    var now: UInt64 = 0
    let bar = ProgressBar(
      title: title, total: 1_000, ascii: ascii, isTerminal: true, terminalWidth: { width },
      clock: {
        now += ProgressBar.redrawInterval
        return now
      }, write: { written += $0 })
    bar.update(0)
    bar.update(500)
    bar.finish()
    return (bar.title, written)
  }

  @Test func wideTerminalShowsEverything() {
    let line = ProgressBar.render(title: Self.title, done: 450_000_000, total: 1_000_000_000, bytesPerSecond: 120_300_000, width: 80)
    #expect(line == "importing app.log.gz  [#########............]  45%  450.0/1000.0 MB  120.3 MB/s")
    #expect(line.count == 79, "the last column stays free")
  }

  @Test func withoutARateTheRateIsLeftOut() {
    let line = ProgressBar.render(title: Self.title, done: 0, total: 2_500_000, bytesPerSecond: nil, width: 60)
    #expect(line == "importing app.log.gz  [..................]   0%  0.0/2.5 MB")
  }

  @Test func theBarIsFullAtTheEndAndNeverBeyond() {
    let line = ProgressBar.render(title: "t", done: 3_000, total: 2_000, bytesPerSecond: 1_000, width: 40)
    #expect(line == "t  [#################] 100%  0.0/0.0 MB")
  }

  @Test func narrowTerminalsDropTheRateThenTheSizesThenCutTheTitle() {
    func line(_ width: Int) -> String {
      ProgressBar.render(title: Self.title, done: 450_000_000, total: 1_000_000_000, bytesPerSecond: 120_300_000, width: width)
    }
    #expect(line(69) == "importing app.log.gz  [####......]  45%  450.0/1000.0 MB  120.3 MB/s")
    #expect(line(68) == "importing app.log.gz  [#########............]  45%  450.0/1000.0 MB")
    #expect(line(40) == "importing app.log.gz  [####......]  45%")
    #expect(line(30) == "importing…  [####......]  45%")
    #expect(line(15) == "45%")
    #expect(line(1) == "")
    for width in 1...120 {
      #expect(line(width).count <= max(0, width - 1), "width \(width): \(line(width))")
    }
  }

  /// Under `--ascii` or a locale without UTF-8, every byte the bar writes is ASCII: a cut title
  /// ends in `~`, and the file name is folded (`?` for what has no stand-in, a C1 control too).
  @Test func anASCIIBarWritesOnlyASCII() {
    let cut = ProgressBar.render(
      title: Self.title, done: 450_000_000, total: 1_000_000_000, bytesPerSecond: 120_300_000, width: 30, ascii: true)
    #expect(cut == "importing~  [####......]  45%")
    let wide = Self.drawn("importing Zürich–€\u{85}…\u{1b}.log", width: 80, ascii: true)
    #expect(wide.title == "importing Z?rich-??...^[.log")
    #expect(wide.written.hasPrefix("\rimporting Z?rich-??...^[.log  [###"))
    #expect(wide.written.utf8.allSatisfy { $0 < 0x80 })
    // Narrow: the folded title is cut with `~`.
    #expect(Self.drawn("importing Zürich.log", width: 30, ascii: true).written == "\rimporting~  [#####.....]  50%\u{1b}[K\r\u{1b}[K")
  }

  @Test func megabytesHaveOneDecimal() {
    #expect(ProgressBar.megabytes(0) == "0.0")
    #expect(ProgressBar.megabytes(49_999) == "0.0")
    #expect(ProgressBar.megabytes(50_000) == "0.1")
    #expect(ProgressBar.megabytes(1_234_567_890) == "1234.6")
  }

  /// A bar on a fake terminal: the clock is advanced by hand, the writes are kept.
  final class FakeTerminal {
    var now: UInt64 = 1_000_000_000
    var writes: [String] = []

    func bar(total: Int?, isTerminal: Bool = true) -> ProgressBar {
      ProgressBar(
        title: "importing x", total: total, isTerminal: isTerminal, terminalWidth: { 60 }, clock: { self.now },
        write: { self.writes.append($0) })
    }
  }

  @Test func drawsAtMostTenTimesASecondAndNotAtTheVeryStart() {
    let terminal = FakeTerminal()
    let bar = terminal.bar(total: 1_000_000)
    bar.update(0)
    #expect(terminal.writes.isEmpty, "a small file must not flash a bar")
    terminal.now += 50_000_000
    bar.update(100_000)
    #expect(terminal.writes.isEmpty)
    terminal.now += 50_000_000
    bar.update(200_000)
    #expect(terminal.writes == ["\rimporting x  [###..............]  20%  0.2/1.0 MB  2.0 MB/s\u{1B}[K"])
    terminal.now += 99_999_999
    bar.update(300_000)
    #expect(terminal.writes.count == 1)
    terminal.now += 1
    bar.update(400_000)
    #expect(terminal.writes.count == 2)
    bar.finish()
    #expect(terminal.writes.last == "\r\u{1B}[K")
    bar.finish()
    #expect(terminal.writes.count == 3, "a second finish has nothing left to clear")
  }

  @Test func nothingIsWrittenWhenNotATerminal() {
    let terminal = FakeTerminal()
    let bar = terminal.bar(total: 1_000_000, isTerminal: false)
    #expect(!bar.isShown)
    for step in 0...100 {
      terminal.now += 1_000_000_000
      bar.update(step * 10_000)
    }
    bar.finish()
    #expect(terminal.writes.isEmpty)
  }

  @Test func nothingIsWrittenWithoutATotal() {
    let terminal = FakeTerminal()
    for total in [nil, 0] as [Int?] {
      let bar = terminal.bar(total: total)
      #expect(!bar.isShown)
      for step in 0...10 {
        terminal.now += 1_000_000_000
        bar.update(step)
      }
      bar.finish()
    }
    #expect(terminal.writes.isEmpty)
  }

  @Test func aReportingSourceMovesTheBarAndClearsItAtTheEnd() throws {
    let terminal = FakeTerminal()
    let bar = terminal.bar(total: 1_000)
    var source = ProgressReportingSource(MemoryByteSource([UInt8](repeating: 7, count: 1_000), chunkLimit: 250), bar: bar) {
      _ in
      terminal.now += 1_000_000_000
      return 0
    }
    var buffer = [UInt8](repeating: 0, count: 4_096)
    var total = 0
    while true {
      let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
      if count == 0 { break }
      total += count
    }
    #expect(total == 1_000)
    #expect(terminal.writes.count == 4, "\(terminal.writes)")
    #expect(terminal.writes.last == "\r\u{1B}[K")
  }
}
