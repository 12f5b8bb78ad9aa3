import Foundation
import Testing

/// Help reads cleanly at the common terminal widths: ArgumentParser wraps the text, and the
/// USAGE lines (which it does not wrap) are short synopses that fit in 80 columns.
@Suite struct HelpTextTests {
    static let commands: [[String]] = [
        [], ["namespaces"], ["mounts"], ["idmap"], ["layers"], ["snapshot"], ["net"], ["ipc"], ["render"],
        ["capture"], ["lesson"], ["lesson", "list"], ["lesson", "show"], ["lesson", "run"], ["lesson", "draw"],
    ]

    @Test(arguments: [80, 120]) func noHelpLineIsWiderThanTheTerminal(columns: Int) throws {
        for command in Self.commands {
            let r = try TestSupport.run("/usr/bin/env", ["COLUMNS=\(columns)", TestSupport.cutawayBinary, "help"] + command)
            #expect(r.status == 0, "cutaway help \(command.joined(separator: " ")): \(r.stderr)")
            #expect(r.text.contains("USAGE: cutaway"), "cutaway help \(command.joined(separator: " ")) has no usage line")
            for line in r.text.split(separator: "\n") where line.count > columns {
                Issue.record("cutaway help \(command.joined(separator: " ")) at \(columns) columns: \(line.count) characters: \(line)")
            }
        }
    }
}
