import CutawayModel

/// A plain text table with left-aligned columns (right-aligned where asked), sized to content.
/// Every cell passes ``TerminalText/escape(_:)``: a newline or escape sequence in a name
/// cannot break the table or reach the terminal.
public struct TextTable {
    public var headers: [String]
    public var rightAligned: Set<Int>
    public private(set) var rows: [[String]] = []

    public init(headers: [String], rightAligned: Set<Int> = []) {
        self.headers = headers
        self.rightAligned = rightAligned
    }

    public mutating func add(_ row: [String]) { rows.append(row.map(TerminalText.escape)) }

    public func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                if i == cells.count - 1 && !rightAligned.contains(i) { parts.append(cell) } else {
                    parts.append(rightAligned.contains(i) ? pad + cell : cell + pad)
                }
            }
            var s = parts.joined(separator: "  ")
            while s.last == " " { s.removeLast() }
            return s
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
