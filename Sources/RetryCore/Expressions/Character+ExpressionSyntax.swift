/// Character classes shared by the expression lexers.
///
/// ASCII only on purpose: DynamoDB's lexer accepts only ASCII letters and digits in names, and
/// `Character`'s own `isLetter` would also accept `é` or `ß` (and a range check like `"a"..."z"`
/// would accept a decomposed `e` + combining accent).
extension Character {
  var isASCIILetter: Bool { isASCII && isLetter }
  var isASCIIDigit: Bool { isASCII && isWholeNumber }
  /// A letter, digit or underscore: the characters of a name after its first one.
  var isWordCharacter: Bool { isASCIILetter || isASCIIDigit || self == "_" }
}
