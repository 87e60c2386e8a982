/// The runtimes RetryScope ships for real handlers (`retryscope exec`), embedded in the binary
/// like the scenarios (`.embedInCode("runtimes")`): the binary works wherever it is copied, and
/// writes the file out when it starts a handler process.
public enum RuntimeBootstraps {
  /// The Python runtime loop: the standard library only, so a handler runs with no install.
  public static let python: [UInt8] = PackageResources.retryscope_bootstrap_py
  /// The simulated wall clock the Python runtimes install before the handler is imported.
  public static let pythonClock: [UInt8] = PackageResources.retryscope_clock_py
  /// The launcher that runs AWS's awslambdaric with the simulated clock installed first.
  public static let pythonAwslambdaric: [UInt8] = PackageResources.retryscope_awslambdaric_py
  /// The Node.js runtime loop: node's built-in modules only (`http`), no npm install.
  public static let nodejs: [UInt8] = PackageResources.retryscope_bootstrap_mjs
}
