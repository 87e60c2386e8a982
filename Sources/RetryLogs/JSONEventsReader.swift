import RetryCore

/// Reads JSON containers as a stream: `aws logs get-log-events` / `filter-log-events` pages
/// (one or many documents, each `{"events": [...]}`; the AWS CLI's auto-paginated output is one
/// document of any size), a bare array of such events or one event per line (`jq -c
/// '.events[]'`), Logs Insights results (an array of `{"@timestamp", "@message"}` objects, or
/// `get-query-results` with `results` rows of `{"field", "value"}`).
///
/// Pages are walked key by key and only one event is held at a time, so a 1 GB document costs the
/// memory of its largest event. An event that is cut off or broken is skipped and counted.
struct JSONEventsReader {
  /// Keys whose array holds the records.
  private static func isRecordArray(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
    key.elementsEqual("events".utf8) || key.elementsEqual("results".utf8)
  }

  func run(_ reader: LogReader, into sink: some LogMessageSink) throws(ByteSourceError) {
    var scanner = Scanner(reader: reader)
    let decoder = EventDecoder()
    while true {
      reader.keep = reader.position
      guard let byte = try scanner.skipBlanks() else { return }
      switch byte {
      case UInt8(ascii: "["):
        reader.position += 1
        try readArray(&scanner, decoder, sink)
      case UInt8(ascii: "{"):
        try readDocument(&scanner, decoder, sink)
      default:
        // Text between documents (a line of log text appended to the pages): not JSON, so not
        // read; counted as a line not in the file's format.
        sink.skip(.notInFormat, line: scanner.line)
        try scanner.skipLine()
      }
    }
  }

  /// A top-level object: a page (`events`/`results` arrays among other keys) or, when its first
  /// key is not a page's, one event on its own.
  private func readDocument(_ scanner: inout Scanner, _ decoder: EventDecoder, _ sink: some LogMessageSink)
    throws(ByteSourceError)
  {
    let reader = scanner.reader
    let documentLine = scanner.line
    reader.keep = reader.position
    scanner.cut = false
    reader.position += 1
    var first = true
    while true {
      guard let byte = try scanner.skipBlanks() else {
        scanner.truncated(documentLine, sink)
        return
      }
      if byte == UInt8(ascii: "}") {
        reader.position += 1
        return
      }
      if byte == UInt8(ascii: ",") {
        reader.position += 1
        continue
      }
      guard byte == UInt8(ascii: "\"") else {
        sink.skip(.malformedRecord, line: scanner.line)
        try scanner.skipLine()
        return
      }
      // An absolute offset: refills move the window while the key is skipped.
      let keyStart = reader.dropped + reader.position
      guard try scanner.skipValue() else {
        scanner.truncated(documentLine, sink)
        return
      }
      // A key longer than a record was dropped on the way: no key of ours.
      let keyFrom = keyStart - reader.dropped + 1
      let key = keyFrom >= 0 && keyFrom <= reader.position - 1 ? reader.bytes(keyFrom, reader.position - 1) : reader.bytes(0, 0)
      let isPageKey = Self.isRecordArray(key) || key.elementsEqual("nextToken".utf8)
        || key.elementsEqual("nextForwardToken".utf8) || key.elementsEqual("nextBackwardToken".utf8)
        || key.elementsEqual("searchedLogStreams".utf8) || key.elementsEqual("statistics".utf8)
        || key.elementsEqual("status".utf8)
      if first && !isPageKey && scanner.cut {
        // One event per document whose start had to be dropped (longer than a record may be):
        // skipped and counted, and the rest of the document read past as a page's keys are.
        sink.skip(.overlongRecord, line: documentLine)
      } else if first && !isPageKey {
        // One event per document (`jq -c '.events[]'`): read the whole object as a record.
        // `keep` still marks the document's start (refills move it, not drop it).
        reader.position = reader.keep
        scanner.line = documentLine
        try readRecord(&scanner, decoder, sink)
        return
      }
      first = false
      let isRecords = Self.isRecordArray(key)
      guard try scanner.skipBlanks() == UInt8(ascii: ":") else {
        sink.skip(.malformedRecord, line: scanner.line)
        try scanner.skipLine()
        return
      }
      reader.position += 1
      guard let value = try scanner.skipBlanks() else {
        scanner.truncated(documentLine, sink)
        return
      }
      if isRecords && value == UInt8(ascii: "[") {
        reader.position += 1
        try readArray(&scanner, decoder, sink)
      } else {
        reader.keep = reader.position
        guard try scanner.skipValue() else {
          scanner.truncated(documentLine, sink)
          return
        }
      }
    }
  }

  /// The elements of a record array, up to and including its `]`.
  private func readArray(_ scanner: inout Scanner, _ decoder: EventDecoder, _ sink: some LogMessageSink)
    throws(ByteSourceError)
  {
    let reader = scanner.reader
    while true {
      reader.keep = reader.position
      guard let byte = try scanner.skipBlanks() else { return }
      switch byte {
      case UInt8(ascii: "]"):
        reader.position += 1
        return
      case UInt8(ascii: ","):
        reader.position += 1
      case UInt8(ascii: "{"), UInt8(ascii: "["):
        try readRecord(&scanner, decoder, sink)
      default:
        let line = scanner.line
        reader.keep = reader.position
        guard try scanner.skipValue() else {
          scanner.truncated(line, sink)
          return
        }
        sink.skip(.malformedRecord, line: line)
      }
    }
  }

  /// One record (an object, or an Insights row array) at the reader's position.
  private func readRecord(_ scanner: inout Scanner, _ decoder: EventDecoder, _ sink: some LogMessageSink)
    throws(ByteSourceError)
  {
    let reader = scanner.reader
    let line = scanner.line
    reader.keep = reader.position
    scanner.cut = false
    guard try scanner.skipValue() else {
      scanner.truncated(line, sink)
      return
    }
    guard !scanner.cut else {
      sink.skip(.overlongRecord, line: line)
      return
    }
    // `keep` marks the record's start, wherever refills moved it.
    let bytes = reader.bytes(reader.keep, reader.position)
    if let message = decoder.decode(bytes, line: line) {
      sink.receive(message)
    } else {
      sink.skip(decoder.failure, line: line)
    }
  }
}

/// A byte cursor over the reader's window that refills as it goes and counts lines.
struct Scanner {
  let reader: LogReader
  var line = 1

  /// Whether the end of the source already cut a record off: the documents around it end
  /// there too, and are not counted again.
  private var cutOff = false

  /// Whether the bytes from `reader.keep` grew longer than a record may be and were dropped
  /// (`keep` moved up to the scan): the record in hand has lost its start. Reset by the reader
  /// where a record starts.
  var cut = false

  /// Before a refill: drops what is kept when it is more than a record may hold, so that the
  /// window never grows past it.
  @inline(__always)
  private mutating func dropOverlong() {
    guard reader.isOverlong(from: reader.keep) else { return }
    reader.keep = reader.position
    cut = true
  }

  init(reader: LogReader) { self.reader = reader }

  mutating func truncated(_ line: Int, _ sink: some LogMessageSink) {
    guard !cutOff else { return }
    cutOff = true
    sink.skip(.truncatedRecord, line: line)
  }

  /// The next byte that is not blank (without consuming it); nil at the end.
  @inline(__always)
  mutating func skipBlanks() throws(ByteSourceError) -> UInt8? {
    while true {
      while reader.position < reader.end {
        let byte = reader.storage[reader.position]
        if byte == 0x0A {
          line += 1
        } else if byte != 0x20 && byte != 0x0D && byte != 0x09 {
          return byte
        }
        reader.position += 1
      }
      dropOverlong()
      guard try reader.refill() else { return nil }
    }
  }

  mutating func skipLine() throws(ByteSourceError) {
    while true {
      while reader.position < reader.end {
        let byte = reader.storage[reader.position]
        reader.position += 1
        if byte == 0x0A {
          line += 1
          return
        }
      }
      reader.keep = reader.position
      guard try reader.refill() else { return }
    }
  }

  /// Moves past one JSON value (a string, a number, a literal, or a whole object or array with
  /// everything in it) without decoding it. False if the source ends first. Bytes from
  /// `reader.keep` on stay in the window.
  mutating func skipValue() throws(ByteSourceError) -> Bool {
    guard let first = try skipBlanks() else { return false }
    if JSONValueSkipper.isStray(first) {
      reader.position += 1
      return true
    }
    var skipper = JSONValueSkipper(first: first)
    while true {
      if let end = skipper.scan(reader.storage, from: reader.position, to: reader.end) {
        reader.position = end
        line += skipper.newlines
        return true
      }
      reader.position = reader.end
      dropOverlong()
      guard try reader.refill() else {
        line += skipper.newlines
        // A number or literal ends with the input; anything else was cut off.
        return skipper.isScalar
      }
    }
  }
}
