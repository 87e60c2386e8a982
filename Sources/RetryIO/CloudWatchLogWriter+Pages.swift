import RetryCore

/// `aws logs filter-log-events` output: pages of up to `pageSize` events, one JSON document after
/// another, each pretty-printed as the AWS CLI prints it (4 spaces, `json.dumps(indent=4)`) or
/// compact on one line.
///
/// Every page but the last has a `nextToken`; a page is only closed when the next event arrives,
/// so the writer never needs to know the number of events in advance. `message` keeps Lambda's
/// trailing `\n`. `ingestionTime` and `eventId` are made up, deterministically: ingestion 0.2 to
/// 15 s after the event (lambda-semantics.md §5.5), and 56-digit ids that end in the event's
/// sequence number, so they are unique.
struct EventPages {
  let pageSize: Int
  let compact: Bool
  private let seed: UInt64
  private var eventsInPage = 0
  private var pageOpen = false
  private var pages: UInt64 = 0
  private var sequence: UInt64 = 0

  init(pageSize: Int, compact: Bool, functionName: String) {
    self.pageSize = max(1, pageSize)
    self.compact = compact
    seed = ExecutionEnvironments.seed(stream: "filter-log-events \(functionName)")
  }

  /// Appends one event (`message` without its trailing line break) to the current page, closing
  /// the page first when it is full.
  mutating func append(
    stream: [UInt8], timestamp: Int, message: borrowing LogBuffer, into out: inout LogBuffer
  ) {
    if pageOpen && eventsInPage == pageSize { closePage(last: false, into: &out) }
    if !pageOpen {
      out.append(compact ? "{\"events\":[" : "{\n    \"events\": [\n")
      pageOpen = true
      eventsInPage = 0
    }
    if eventsInPage > 0 { out.append(compact ? "," : ",\n") }
    eventsInPage += 1
    sequence += 1
    let hash = ExecutionEnvironments.mix(seed ^ sequence)
    let ingestion = timestamp + 200 + Int(hash % 14_801)
    // One event's text between its fields, compact or as the CLI indents it.
    let layout = compact ? Self.compactLayout : Self.indentedLayout
    out.append(layout.stream)
    out.append(stream)
    out.append(layout.timestamp)
    out.append(decimal: timestamp)
    out.append(layout.message)
    out.appendJSONEscaped(message.bytes)
    out.append(layout.ingestionTime)
    out.append(decimal: ingestion)
    out.append(layout.eventId)
    appendEventId(hash: hash, into: &out)
    out.append(layout.close)
  }

  /// The text around an event's field values.
  struct EventLayout {
    var stream, timestamp, message, ingestionTime, eventId, close: StaticString
  }

  static let compactLayout = EventLayout(
    stream: "{\"logStreamName\":\"", timestamp: "\",\"timestamp\":", message: ",\"message\":\"",
    ingestionTime: "\\n\",\"ingestionTime\":", eventId: ",\"eventId\":\"", close: "\"}")

  static let indentedLayout = EventLayout(
    stream: "        {\n            \"logStreamName\": \"", timestamp: "\",\n            \"timestamp\": ",
    message: ",\n            \"message\": \"", ingestionTime: "\\n\",\n            \"ingestionTime\": ",
    eventId: ",\n            \"eventId\": \"", close: "\"\n        }")

  /// Closes the last page; with no events at all, writes one empty page (what the API returns).
  mutating func finish(into out: inout LogBuffer) {
    if pageOpen {
      closePage(last: true, into: &out)
    } else {
      out.append(compact ? "{\"events\":[],\"searchedLogStreams\":[]}\n" : "{\n    \"events\": [],\n    \"searchedLogStreams\": []\n}\n")
    }
  }

  private mutating func closePage(last: Bool, into out: inout LogBuffer) {
    out.append(compact ? "],\"searchedLogStreams\":[]" : "\n    ],\n    \"searchedLogStreams\": []")
    if !last {
      out.append(compact ? ",\"nextToken\":\"" : ",\n    \"nextToken\": \"")
      appendToken(into: &out)
      out.append(byte: UInt8(ascii: "\""))
    }
    out.append(compact ? "}\n" : "\n}\n")
    pageOpen = false
    pages += 1
  }

  /// 56 digits: 18 from the hash (not starting with 0), 18 more, and the sequence number in 20.
  private func appendEventId(hash: UInt64, into out: inout LogBuffer) {
    let second = ExecutionEnvironments.mix(hash)
    out.append(unsigned: 100_000_000_000_000_000 + hash % 900_000_000_000_000_000, width: 18)
    out.append(unsigned: second % 1_000_000_000_000_000_000, width: 18)
    out.append(unsigned: sequence, width: 20)
  }

  /// An opaque token of 64 URL-safe base64 characters, different for every page.
  private func appendToken(into out: inout LogBuffer) {
    let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    var generator = SplitMix64(seed: seed ^ (pages &+ 1) &* 0x9e37_79b9_7f4a_7c15)
    for _ in 0..<8 {
      var bits = generator.next()
      for _ in 0..<8 {
        out.append(byte: alphabet.utf8Start[Int(bits & 63)])
        bits >>= 6
      }
    }
  }
}
