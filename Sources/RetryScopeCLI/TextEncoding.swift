import ArgumentParser

/// Whether the user's locale takes UTF-8, from the environment as POSIX reads it: `LC_ALL`, else
/// `LC_CTYPE`, else `LANG` (the first one set and not empty).
///
/// A locale that names another codeset (`LANG=C`, `POSIX`, `en_US.ISO-8859-1`) cannot show `…`,
/// `→` or box drawing: the text commands then write plain ASCII, as `--ascii` does. With none
/// set, nothing says the terminal cannot take UTF-8 (a bare container shell), and the output
/// stays Unicode. The terminal UI asks the C library instead (`nl_langinfo`), since ncurses
/// encodes by the locale it was started with.
enum TextEncoding {
  static func isUTF8(_ environment: [String: String]) -> Bool {
    let names = ["LC_ALL", "LC_CTYPE", "LANG"]
    guard let locale = names.lazy.compactMap({ environment[$0] }).first(where: { !$0.isEmpty }) else { return true }
    let lowered = locale.lowercased()
    return lowered.contains("utf-8") || lowered.contains("utf8")
  }
}

/// A command with an `--ascii` flag, which a locale without UTF-8 turns on.
protocol ASCIIOutputCommand: ParsableCommand {
  var ascii: Bool { get set }
}

extension RunCommand: ASCIIOutputCommand {}
extension DiffCommand: ASCIIOutputCommand {}
extension CheckCommand: ASCIIOutputCommand {}
extension ImportCommand: ASCIIOutputCommand {}
