extension RandomAccessCollection {
  /// The index of the first element for which `isInSecondPart` holds, in a collection where it
  /// holds for a suffix (a sorted array and a threshold); `endIndex` when it never holds. A
  /// binary search: frames of a 10,000-invocation trace look up times, columns, rows and the
  /// state panel's lines with it.
  func partitioningIndex(where isInSecondPart: (Element) -> Bool) -> Index {
    var low = startIndex
    var high = endIndex
    while low < high {
      let middle = index(low, offsetBy: distance(from: low, to: high) / 2)
      if isInSecondPart(self[middle]) { high = middle } else { low = index(after: middle) }
    }
    return low
  }
}
