import RetryScopeCLI

#if canImport(Glibc)
  @preconcurrency import Glibc
#elseif canImport(Darwin)
  @preconcurrency import Darwin
#endif

let result = RetryScope.execute(Array(CommandLine.arguments.dropFirst()))
fputs(result.stderr, stderr)
print(result.stdout, terminator: "")
exit(result.exitCode)
