/// Another handler for the same story: the same function, callers, tables, endpoints and faults,
/// with its steps in another order or with a guard added (`mark-first`, `post-first`). A scenario
/// file lists them under `variants:`; `--variant`, `NAME@VARIANT` and the fork menu run them.
///
/// A variant is part of its scenario rather than a scenario of its own because what it teaches is
/// the difference: the same event, the same fault, another handler. Two scenario files would let
/// their settings drift apart, and a fork could not switch to the other handler mid-run.
public struct HandlerVariant: Sendable {
  /// Kebab-case, unique within the scenario (`mark-first`).
  public var name: String
  /// What running the scenario with this handler shows, in a sentence (the outcome ends with it).
  public var lesson: String
  public var handler: Handler

  public init(name: String, lesson: String = "", handler: Handler) {
    self.name = name
    self.lesson = lesson
    self.handler = handler
  }
}

/// A variant name the scenario does not have: the message names the closest ones, or all of them.
public struct UnknownVariant: Error, Sendable, Hashable {
  /// The scenario asked, by its name.
  public var scenario: String
  /// The variant name asked for.
  public var name: String
  /// The scenario's variant names, in file order.
  public var available: [String]

  public init(scenario: String, name: String, available: [String]) {
    self.scenario = scenario
    self.name = name
    self.available = available
  }

  /// One line: `unknown variant 'mark-frist' of slack-at-least-once; did you mean: mark-first?`.
  public var message: String {
    let head = "unknown variant '\(name)' of \(scenario)"
    if available.isEmpty { return "\(head): it has no handler variants" }
    let near = ClosestNames.suggest(name, among: available)
    if near.isEmpty { return "\(head); its variants: \(available.joined(separator: ", "))" }
    return "\(head); did you mean: \(near.joined(separator: ", "))?"
  }
}
