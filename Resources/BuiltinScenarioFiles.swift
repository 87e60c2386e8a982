/// The scenario files shipped inside the binary, by name (the file name without `.yaml`).
///
/// SwiftPM's `.embedInCode("scenarios")` turns each file in `scenarios/` into a byte array
/// `PackageResources.<file name with - and . as _>`. List every file here, in alphabetical order;
/// a test checks that each one loads.
public enum BuiltinScenarioFiles {
  public static let all: [(name: String, yaml: [UInt8])] = [
    ("echo", PackageResources.echo_yaml),
    ("square", PackageResources.square_yaml),
  ]
}
