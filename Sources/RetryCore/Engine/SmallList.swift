/// A list that keeps its first element inline and allocates only from the second on.
///
/// Why: the simulator keeps a few lists per invocation and per execution (the async queue's
/// messages, the first mutation of each step, the handler's frames) that nearly always hold
/// exactly one element. As arrays they cost an allocation and a free each, and a run of a million
/// invocations makes millions of them.
struct SmallList<Element>: RandomAccessCollection, MutableCollection {
  private var head: Element?
  private var tail: [Element] = []

  init() {}

  init(_ element: Element) {
    head = element
  }

  var startIndex: Int { 0 }
  var endIndex: Int { head == nil ? 0 : 1 + tail.count }

  subscript(position: Int) -> Element {
    // Note: a read copies the whole element (an array's subscript can load just one field), so
    // keep elements that are read field by field many times in an array instead.
    get { position == 0 ? head! : tail[position - 1] }
    _modify {
      if position == 0 {
        yield &head!
      } else {
        yield &tail[position - 1]
      }
    }
  }

  mutating func append(_ element: Element) {
    if head == nil {
      head = element
    } else {
      tail.append(element)
    }
  }

  mutating func removeLast() {
    if tail.isEmpty {
      precondition(head != nil, "removeLast() on an empty SmallList")
      head = nil
    } else {
      tail.removeLast()
    }
  }
}
