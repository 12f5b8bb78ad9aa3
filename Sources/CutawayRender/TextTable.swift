import CutawayModel

/// A plain text table with left-aligned columns (right-aligned where asked), sized to content.
/// Every cell passes ``TerminalText/escape(_:)``: a newline or escape sequence in a name
/// cannot break the table or reach the terminal.
public struct TextTable {
    /// The header row.
    public var headers: [String]
    /// Indices of the columns aligned right (numbers).
    public var rightAligned: Set<Int>
    /// The rows added so far, escaped.
    public private(set) var rows: [[String]] = []

    /// An empty table with these headers.
    public init(headers: [String], rightAligned: Set<Int> = []) {
        self.headers = headers
        self.rightAligned = rightAligned
    }

    /// Appends a row, each cell escaped for terminals.
    public mutating func add(_ row: [String]) { rows.append(row.map(TerminalText.escape)) }

    /// The table as text: headers, then rows, columns padded to their widest cell.
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
