/// Reads CloudWatch Logs Insights results exported as CSV (RFC 4180): a header row naming the
/// columns (`@timestamp`, `@message`, `@logStream`, in any order, among others), then one row per
/// log event. A quoted `@message` may span lines and holds `""` for a quote.
struct InsightsCSVReader {
  func run(_ reader: LogReader, into sink: some LogMessageSink) throws(ByteSourceError) {
    var lineNumber = 1
    var columns: (timestamp: Int?, message: Int?, stream: Int?, pointer: Int?)?
    var fields: [Range<Int>] = []
    var text = ScratchBuffer()
    var stream = ScratchBuffer()
    var raw = ScratchBuffer()
    var pointer = ScratchBuffer()
    while true {
      reader.keep = reader.position
      let recordLine = lineNumber
      // Find the record's end: a line end outside quotes.
      var inQuotes = false
      var scan = reader.position
      var recordEnd = -1
      var newlines = 0
      var overlong = false
      while recordEnd < 0 {
        let storage = reader.storage
        while scan < reader.end {
          let byte = storage[scan]
          if byte == UInt8(ascii: "\"") {
            inQuotes.toggle()
          } else if byte == 0x0A {
            newlines += 1
            if !inQuotes {
              recordEnd = scan
              break
            }
          }
          scan += 1
        }
        if recordEnd >= 0 { break }
        if overlong || reader.isOverlong(from: reader.position) {
          // A row longer than a record may be: read past it without keeping it.
          reader.position = reader.end
          reader.keep = reader.end
          overlong = true
        }
        let before = reader.position
        guard try reader.refill() else { break }
        scan += reader.position - before
      }
      if overlong {
        sink.skip(.overlongRecord, line: recordLine)
        lineNumber += newlines
        guard recordEnd >= 0 else { return }
        reader.position = recordEnd + 1
        // Without its header, no row can be read.
        if columns == nil { return }
        continue
      }
      let end = recordEnd >= 0 ? recordEnd : reader.end
      if recordEnd < 0 && reader.position >= end { return }
      if recordEnd < 0 && inQuotes {
        sink.skip(.truncatedRecord, line: recordLine)
        reader.position = end
        return
      }
      let record = reader.bytes(reader.position, end)
      reader.position = recordEnd >= 0 ? recordEnd + 1 : end
      lineNumber += newlines
      fields.removeAll(keepingCapacity: true)
      Self.split(record, into: &fields)
      if fields.count == 1 && fields[0].isEmpty || record.allSatisfy({ $0 == 0x0D }) { continue }
      guard let known = columns else {
        columns = Self.columns(record, fields)
        if columns?.message == nil {
          sink.skip(.malformedRecord, line: recordLine)
          return
        }
        continue
      }
      guard let messageColumn = known.message, messageColumn < fields.count else {
        sink.skip(.malformedRecord, line: recordLine)
        continue
      }
      text.count = 0
      Self.unquote(record, fields[messageColumn], into: &text)
      var timestamp: Int?
      if let column = known.timestamp, column < fields.count {
        raw.count = 0
        Self.unquote(record, fields[column], into: &raw)
        timestamp = TimestampParser.parse(raw.buffer)?.millis ?? Self.epochMillis(raw.buffer)
      }
      var haveStream = false
      if let column = known.stream, column < fields.count {
        stream.count = 0
        Self.unquote(record, fields[column], into: &stream)
        haveStream = stream.count > 0
      }
      var havePointer = false
      if let column = known.pointer, column < fields.count {
        pointer.count = 0
        Self.unquote(record, fields[column], into: &pointer)
        havePointer = pointer.count > 0
      }
      sink.receive(
        LogMessage(
          text: text.trimmedBuffer, timestamp: timestamp, stream: haveStream ? stream.buffer : nil, line: recordLine,
          eventId: havePointer ? pointer.buffer : nil))
      if recordEnd < 0 { return }
    }
  }

  /// The field ranges of one record (quotes included).
  static func split(_ record: UnsafeBufferPointer<UInt8>, into fields: inout [Range<Int>]) {
    var start = 0
    var inQuotes = false
    var end = record.count
    if end > 0, record[end - 1] == 0x0D { end -= 1 }
    var index = 0
    while index < end {
      let byte = record[index]
      if byte == UInt8(ascii: "\"") {
        inQuotes.toggle()
      } else if byte == UInt8(ascii: ","), !inQuotes {
        fields.append(start..<index)
        start = index + 1
      }
      index += 1
    }
    fields.append(start..<end)
  }

  /// A field's value: without its surrounding quotes, `""` read as `"`.
  static func unquote(_ record: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: inout ScratchBuffer) {
    var lower = range.lowerBound
    var upper = range.upperBound
    guard lower < upper, record[lower] == UInt8(ascii: "\"") else {
      out.append(UnsafeBufferPointer(rebasing: record[lower..<upper]))
      return
    }
    lower += 1
    if upper > lower, record[upper - 1] == UInt8(ascii: "\"") { upper -= 1 }
    var index = lower
    while index < upper {
      let byte = record[index]
      out.append(byte)
      index += byte == UInt8(ascii: "\"") && index + 1 < upper && record[index + 1] == UInt8(ascii: "\"") ? 2 : 1
    }
  }

  private static func columns(_ record: UnsafeBufferPointer<UInt8>, _ fields: [Range<Int>]) -> (
    timestamp: Int?, message: Int?, stream: Int?, pointer: Int?
  ) {
    var result: (timestamp: Int?, message: Int?, stream: Int?, pointer: Int?) = (nil, nil, nil, nil)
    for (index, range) in fields.enumerated() {
      var name = ScratchBuffer()
      unquote(record, range, into: &name)
      let text = String(decoding: name.buffer, as: UTF8.self).trimmingBlanks()
      switch text {
      case "@timestamp", "timestamp": result.timestamp = result.timestamp ?? index
      case "@message", "message": result.message = result.message ?? index
      case "@logStream", "logStreamName", "logStream": result.stream = result.stream ?? index
      case "@ptr": result.pointer = result.pointer ?? index
      default: break
      }
    }
    return result
  }

  /// A timestamp column holding epoch milliseconds.
  private static func epochMillis(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    guard !bytes.isEmpty, bytes.count <= 18, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    return bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
  }
}

extension String {
  /// Without leading and trailing spaces, tabs and line ends (and a byte order mark).
  func trimmingBlanks() -> String {
    let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\u{FEFF}" }
    guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else { return "" }
    return String(self[first...last])
  }
}
