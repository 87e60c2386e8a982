/// Reads line-based containers: bare Lambda log text (`LogFormat.text`, which also carries the
/// JSON log format, one object per line) and `aws logs tail` output (`LogFormat.tail`).
///
/// A message may span lines: a Node.js `Invoke Error` with its pretty-printed JSON, a Python
/// traceback, a tail message's continuation lines. Lines that cannot start a message are
/// appended to the one before.
struct TextLogReader {
  let format: LogFormat

  func run(_ reader: LogReader, into sink: some LogMessageSink) throws(ByteSourceError) {
    var lineNumber = 0
    // The message being gathered, as absolute offsets (the window moves on refill).
    var pendingStart = -1
    var pendingEnd = 0
    var pendingLine = 0
    var pendingTimestamp: Int?
    var pendingStream: Range<Int>?
    var pendingText = 0

    func emit() {
      guard pendingStart >= 0 else { return }
      let base = reader.dropped
      var end = pendingEnd - base
      let textStart = pendingText - base
      // Trailing line ends and carriage returns are not part of the message.
      while end > textStart, reader.storage[end - 1] == 0x0A || reader.storage[end - 1] == 0x0D { end -= 1 }
      let stream = pendingStream.map { reader.bytes($0.lowerBound - base, $0.upperBound - base) }
      sink.receive(
        LogMessage(text: reader.bytes(textStart, end), timestamp: pendingTimestamp, stream: stream, line: pendingLine))
      pendingStart = -1
    }

    var scan = reader.position
    while true {
      // Find the end of the next line.
      var newline = -1
      var overlong = false
      while newline < 0 {
        let storage = reader.storage
        let end = reader.end
        while scan < end {
          if storage[scan] == 0x0A {
            newline = scan
            break
          }
          scan += 1
        }
        if newline >= 0 { break }
        if reader.isOverlong(from: reader.position) {
          overlong = true
          break
        }
        if pendingStart >= 0, reader.isOverlong(from: pendingStart - reader.dropped) {
          // A message of many lines outgrows a record: what it holds so far is one message.
          emit()
        }
        reader.keep = pendingStart >= 0 ? pendingStart - reader.dropped : reader.position
        let before = reader.position
        let more = try reader.refill()
        scan += reader.position - before
        if !more { break }
      }
      if overlong {
        // One line longer than a record may be (a gzip bomb of one endless line): the message
        // before it is complete; the line is skipped, counted, and never held.
        emit()
        lineNumber += 1
        sink.skip(.overlongRecord, line: lineNumber)
        try Self.skipRestOfLine(reader)
        scan = reader.position
        continue
      }
      let lineStart = reader.position
      let lineEnd = newline >= 0 ? newline : reader.end
      if newline < 0 && lineStart >= lineEnd { break }
      lineNumber += 1
      reader.position = newline >= 0 ? newline + 1 : lineEnd
      scan = reader.position
      var contentEnd = lineEnd
      if contentEnd > lineStart, reader.storage[contentEnd - 1] == 0x0D { contentEnd -= 1 }
      let line = reader.bytes(lineStart, contentEnd)
      let absoluteStart = reader.dropped + lineStart
      let absoluteEnd = reader.dropped + contentEnd

      if line.isEmpty { continue }
      if ByteSearch.containsNUL(line) {
        // Binary data, wherever in the file: this line goes, the rest is read.
        emit()
        sink.skip(.binaryLine, line: lineNumber)
        if newline < 0 { break }
        continue
      }
      // Each line is looked at for itself (a file may mix a console copy and tail output): a
      // tail prefix is read as one in bare text too, and a Lambda line without one starts a
      // message of its own in tail output rather than being glued to the message before.
      if let prefix = TimestampParser.tailPrefix(line, strict: format != .tail) {
        emit()
        pendingStart = absoluteStart
        pendingText = absoluteStart + prefix.message
        pendingTimestamp = prefix.millis
        pendingStream = prefix.stream.map { (absoluteStart + $0.lowerBound)..<(absoluteStart + $0.upperBound) }
      } else if pendingStart < 0 || (format == .tail ? Self.startsLambdaLine(line) || Self.startsRuntimeLine(line) : !Self.continues(line)) {
        emit()
        pendingStart = absoluteStart
        pendingText = absoluteStart
        pendingTimestamp = nil
        pendingStream = nil
      }
      if pendingStart == absoluteStart { pendingLine = lineNumber }
      pendingEnd = absoluteEnd
      reader.keep = pendingStart - reader.dropped
      if newline < 0 { break }
    }
    emit()
  }

  /// Whether a line is one of Lambda's platform lines (which never continue a message).
  static func startsLambdaLine(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
    switch line[0] {
    case UInt8(ascii: "S"): return ByteSearch.hasPrefix("START RequestId:", in: line)
    case UInt8(ascii: "E"): return ByteSearch.hasPrefix("END RequestId:", in: line)
    case UInt8(ascii: "R"): return ByteSearch.hasPrefix("REPORT RequestId:", in: line) || ByteSearch.hasPrefix("RequestId: ", in: line)
    case UInt8(ascii: "I"): return ByteSearch.hasPrefix("INIT_START", in: line) || ByteSearch.hasPrefix("INIT_REPORT", in: line)
    default: return false
    }
  }

  /// Whether a line is a runtime's own (`<time>\t<id>\t...` from Node, `[INFO]\t<time>\t...`
  /// from Python): a console copy's line, not the rest of a tail message.
  static func startsRuntimeLine(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
    if line[0] >= UInt8(ascii: "0"), line[0] <= UInt8(ascii: "9") {
      guard let (_, length) = TimestampParser.parse(line) else { return false }
      return length < line.count && line[length] == 0x09
    }
    guard line[0] == UInt8(ascii: "["), let close = line.prefix(10).firstIndex(of: UInt8(ascii: "]")), close > 1,
      close + 1 < line.count, line[close + 1] == 0x09
    else { return false }
    return line[1..<close].allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
  }

  /// Moves past the rest of a line of which the window holds no newline, reading on without
  /// keeping anything: just past the newline, or at the end of the source.
  private static func skipRestOfLine(_ reader: LogReader) throws(ByteSourceError) {
    while true {
      reader.position = reader.end
      reader.keep = reader.end
      guard try reader.refill() else { return }
      let storage = reader.storage
      var index = reader.position
      while index < reader.end {
        if storage[index] == 0x0A {
          reader.position = index + 1
          return
        }
        index += 1
      }
    }
  }

  /// Whether a line of bare log text goes on the message before it rather than starting one:
  /// indented lines, the inside of pretty-printed JSON, a traceback.
  static func continues(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
    switch line[0] {
    case 0x20, 0x09, UInt8(ascii: "\""), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ")"): return true
    default: return ByteSearch.hasPrefix("Traceback (most recent call last)", in: line)
    }
  }
}
