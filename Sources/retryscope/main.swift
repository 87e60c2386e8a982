import RetryScopeCLI

#if canImport(Glibc)
  @preconcurrency import Glibc
#elseif canImport(Darwin)
  @preconcurrency import Darwin
#endif

// The environment is read here, once: the commands take it as a parameter so tests can set it.
var environment: [String: String] = [:]
for name in ["NO_COLOR", "TERM", "LC_ALL", "LC_CTYPE", "LANG"] {
  if let value = getenv(name) { environment[name] = String(cString: value) }
}
exit(RetryScope.main(Array(CommandLine.arguments.dropFirst()), environment: environment))
