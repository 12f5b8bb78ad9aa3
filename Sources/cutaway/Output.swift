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

/// What a one-shot command read stays allocated until the process exits: the kernel takes
/// the memory back at once (exit_mmap), instead of thousands of releases one by one when the
/// command returns (about 2 ms for 1,800 namespaces, 7 ms for a snapshot of 300 containers;
/// README, "Speed"). Only for commands that print once and exit.
enum UntilExit {
    nonisolated(unsafe) private static var kept: [Any] = []

    /// Keeps `value` (and everything it refers to) alive until the process exits.
    static func keep(_ value: Any) { kept.append(value) }
}
