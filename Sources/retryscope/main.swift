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
// Large output (logs, traces) goes to stdout as it is made; write(2) may take less than asked
// (a pipe), and a closed pipe (`| head`) ends the output quietly.
nonisolated(unsafe) var outputClosed = false
signal(SIGPIPE, SIG_IGN)
let result = RetryScope.execute(Array(CommandLine.arguments.dropFirst()), environment: environment) { chunk in
  var offset = 0
  while !outputClosed, offset < chunk.count, let base = chunk.baseAddress {
    let written = write(STDOUT_FILENO, base + offset, chunk.count - offset)
    if written <= 0 { outputClosed = true } else { offset += written }
  }
}
fputs(result.stderr, stderr)
print(result.stdout, terminator: "")
exit(result.exitCode)
