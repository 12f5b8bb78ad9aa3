import CutawayModel
import CutawayRender
import Foundation

/// Everything cutaway prints passes ``TerminalText/escapeKeepingLines(_:)``: whatever a
/// renderer missed, no control sequence from data reaches the terminal.
enum FileHandleOutput {
    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(TerminalText.escapeKeepingLines(text).utf8))
    }

    static func standardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(TerminalText.escapeKeepingLines(text).utf8))
    }
}

/// Every `--json` goes through here: ``JSONStreamEncoder`` writes the bytes straight to the
/// descriptor (the README's JSON contract: pretty-printed, keys sorted, slashes unescaped).
enum JSONOutput {
    /// Prints `value` as JSON and a newline to standard output.
    static func print<T: Encodable>(_ value: T) throws {
        try JSONStreamEncoder().write(value, to: STDOUT_FILENO)
    }
}
