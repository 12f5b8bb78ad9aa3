import ArgumentParser
import CutawayGraphviz

extension DiagramFormat: ExpressibleByArgument {}

/// One `--format` value: a diagram format, or several separated by commas (`svg,png`).
struct DiagramFormatList: ExpressibleByArgument {
    var formats: [DiagramFormat]

    init?(argument: String) {
        var out: [DiagramFormat] = []
        for piece in argument.split(separator: ",") {
            guard let f = DiagramFormat(rawValue: piece.trimmingCharacters(in: .whitespaces).lowercased()) else { return nil }
            out.append(f)
        }
        guard !out.isEmpty else { return nil }
        formats = out
    }

    static var allValueStrings: [String] { DiagramFormat.allValueStrings }
}

/// `--format dot|svg|png|pdf`, repeatable or comma-separated (`--format svg,png`): declared
/// here once for every command that draws.
struct FormatOption: ParsableArguments {
    @Option(name: .customLong("format"), help: ArgumentHelp("Write diagrams in these formats, e.g. svg or svg,png.", valueName: "FORMAT"))
    var lists: [DiagramFormatList] = []

    /// Each format once, in the order first given.
    var formats: [DiagramFormat] {
        var out: [DiagramFormat] = []
        for f in lists.flatMap(\.formats) where !out.contains(f) { out.append(f) }
        return out
    }
}
