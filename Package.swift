// swift-tools-version:6.0
import PackageDescription

/// RetryScope: a deterministic simulator of AWS Lambda's invocation and retry semantics.
///
/// Layers (each imports only the ones below it):
/// - `retryscope`: the executable, one line.
/// - `RetryScopeCLI`: ArgumentParser commands.
/// - `RetryTerminal`: the only code that talks to ncurses (through the header-only `CNcurses` shim).
/// - `RetryTUI`: the terminal UI as pure code: state, reducer, views drawing into a cell grid.
/// - `RetryIO`: Foundation and Yams: scenario YAML, trace JSON and text output, files and gzip.
/// - `RetryLogs`: Lambda log import: formats, line parsing, trace reconstruction (pure).
/// - `RetryScenarios`: the built-in scenario files, embedded in the binary.
/// - `RetryCore`: pure: time, randomness, the Lambda model, the handler interpreter, the world, the trace.
let package = Package(
  name: "RetryScope",
  products: [
    .executable(name: "retryscope", targets: ["retryscope"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
  ],
  targets: [
    .target(
      name: "RetryCore",
      dependencies: [
        .product(name: "DequeModule", package: "swift-collections"),
        .product(name: "HeapModule", package: "swift-collections"),
        .product(name: "OrderedCollections", package: "swift-collections"),
      ],
      // The event loop mutates class-held state on every event; runtime exclusivity checks cost
      // about 20% of a release run. Debug builds (and so every test) keep them. docs/DECISIONS.md.
      swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
    ),
    .target(
      name: "RetryScenarios",
      path: "Resources",
      exclude: ["README.md"],
      resources: [.embedInCode("scenarios"), .embedInCode("runtimes")]
    ),
    // Lambda log import: formats, line parsing and trace reconstruction, over a `ByteSource`
    // (no file system, no Foundation: every byte path can be tested from memory).
    .target(
      name: "RetryLogs",
      dependencies: ["RetryCore", .product(name: "OrderedCollections", package: "swift-collections")],
      swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
    ),
    .target(
      name: "RetryIO",
      dependencies: [
        "RetryCore", "RetryScenarios", "RetryLogs", "CZlib", .product(name: "Yams", package: "Yams"),
        .product(name: "OrderedCollections", package: "swift-collections"),
        .product(name: "HeapModule", package: "swift-collections"),
      ]
    ),
    // zlib (`zlib1g-dev` on Debian and Ubuntu) for gzip log files, header-only like CNcurses: its
    // init functions are macros Swift cannot call.
    .systemLibrary(name: "CZlib"),
    // Running a real handler process: the Lambda Runtime API and the service endpoints its calls
    // reach, served with SwiftNIO on loopback. The only module that talks to processes and sockets.
    .target(
      name: "RetryExec",
      dependencies: [
        "RetryCore", "RetryScenarios",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ]
    ),
    .target(name: "RetryTUI", dependencies: ["RetryCore"]),
    // ncursesw (`libncurses-dev` on Debian and Ubuntu). The module map links it by name: its
    // pkg-config flags (-D_XOPEN_SOURCE) are ones SwiftPM refuses, and the shim defines what the
    // header needs itself.
    .systemLibrary(name: "CNcurses"),
    .target(name: "RetryTerminal", dependencies: ["RetryTUI", "CNcurses"]),
    .target(
      name: "RetryScopeCLI",
      dependencies: [
        "RetryCore", "RetryIO", "RetryTUI", "RetryTerminal", "RetryExec", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "HeapModule", package: "swift-collections"),
      ]
    ),
    .executableTarget(name: "retryscope", dependencies: ["RetryScopeCLI"]),
    // Golden-file checks shared by the test targets.
    .target(name: "RetryTestSupport", path: "Tests/RetryTestSupport"),
    .testTarget(name: "RetryCoreTests", dependencies: ["RetryCore"]),
    .testTarget(name: "RetryLogsTests", dependencies: ["RetryLogs", "RetryCore", "RetryTestSupport"], exclude: ["Fixtures"]),
    .testTarget(name: "RetryIOTests", dependencies: ["RetryIO", "RetryCore", "RetryTestSupport"], exclude: ["Snapshots"]),
    .testTarget(
      name: "RetryTUITests", dependencies: ["RetryTUI", "RetryCore", "RetryIO", "RetryScopeCLI", "RetryTestSupport"], exclude: ["Snapshots"]),
    .testTarget(name: "RetryExecTests", dependencies: ["RetryExec", "RetryCore"]),
    .testTarget(name: "RetryScopeCLITests", dependencies: ["RetryScopeCLI", "RetryIO", "RetryCore", "RetryTUI", "retryscope"]),
  ],
  swiftLanguageModes: [.v6]
)
