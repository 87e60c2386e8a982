extension Array {
  /// The index of the first element for which `isInSecondPart` holds, in an array where it
  /// holds for a suffix (a sorted array and a threshold); `count` when it never holds. A binary
  /// search: frames of a 10,000-invocation trace look up times, columns and rows with it.
  func partitioningIndex(where isInSecondPart: (Element) -> Bool) -> Int {
    var low = 0
    var high = count
    while low < high {
      let middle = (low + high) / 2
      if isInSecondPart(self[middle]) { high = middle } else { low = middle + 1 }
    }
    return low
  }
}
