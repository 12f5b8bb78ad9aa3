import CutawayModel

/// What is wrong with one line of mountinfo.
public enum MountInfoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A line with nothing on it.
    case emptyLine
    /// Fewer than the six fixed fields before the optional fields.
    case truncated(fields: Int)
    /// No ` - ` separator after the optional fields.
    case missingSeparator
    /// After ` - ` there must be exactly filesystem type, source and super options.
    case wrongFieldCountAfterSeparator(Int)
    /// A numeric field (mount id, parent id, a peer group number) that is not a number.
    case badNumber(field: String, text: String)
    /// Field 3 is not `MAJOR:MINOR`.
    case badDevice(text: String)

    public var description: String {
        switch self {
        case .emptyLine: "empty line"
        case .truncated(let n): "truncated: \(n) field\(n == 1 ? "" : "s"), expected at least 6 before the optional fields"
        case .missingSeparator: "no ' - ' separator between the optional fields and the filesystem type"
        case .wrongFieldCountAfterSeparator(let n): "\(n) field\(n == 1 ? "" : "s") after ' - ', expected 3 (fstype, source, super options)"
        case .badNumber(let field, let text): "\(field) is not a number: \(text)"
        case .badDevice(let text): "device is not MAJOR:MINOR: \(text)"
        }
    }
}

/// Parses `/proc/PID/mountinfo` (proc_pid_mountinfo(5)) from bytes.
///
///     ID PARENT MAJ:MIN ROOT MOUNTPOINT MOUNT_OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER_OPTS
///
/// Fields are separated by one space (an empty SOURCE shows as two spaces); the ` - `
/// separator is found by scanning the optional fields, never by position; unknown optional
/// fields are kept. ROOT, MOUNTPOINT, FSTYPE and SOURCE are decoded from octal escapes;
/// SUPER_OPTS is split on raw commas first (a comma inside a value is escaped `\054`),
/// then each option is decoded. Lines have no length limit.
public enum MountInfoParser {
    /// One line (without its newline). Well-formed lines are read in one pass over their
    /// bytes (``MountInfoLineScanner``); a line that pass does not accept is parsed again
    /// field by field, which names what is wrong with it.
    public static func parseLine(_ line: ArraySlice<UInt8>) throws(MountInfoError) -> Mount {
        if let mount = line.withUnsafeBufferPointer({ MountInfoLineScanner.mount(in: $0) }) { return mount }
        return try parseLineByFields(line)
    }

    /// The field-by-field parse: every field split out first, then checked in order, so that
    /// the error names the first thing wrong.
    static func parseLineByFields(_ line: ArraySlice<UInt8>) throws(MountInfoError) -> Mount {
        guard !line.isEmpty else { throw .emptyLine }
        let f = ByteScanning.split(line, on: ByteScanning.space)
        guard f.count >= 6 else { throw .truncated(fields: f.count) }
        guard let id = ByteScanning.decimal(f[0], as: Int.self) else { throw .badNumber(field: "mount ID", text: ByteScanning.quoted(f[0])) }
        guard let parent = ByteScanning.decimal(f[1], as: Int.self) else { throw .badNumber(field: "parent ID", text: ByteScanning.quoted(f[1])) }
        let dev = ByteScanning.split(f[2], on: ByteScanning.colon)
        guard dev.count == 2, let major = ByteScanning.decimal(dev[0], as: UInt32.self),
              let minor = ByteScanning.decimal(dev[1], as: UInt32.self) else { throw .badDevice(text: ByteScanning.quoted(f[2])) }

        var shared: Int?, master: Int?, propagateFrom: Int?, unbindable = false
        var other: [String] = []
        var i = 6
        var separator: Int?
        while i < f.count {
            let field = f[i]
            if field.count == 1, field.first == UInt8(ascii: "-") { separator = i; break }
            if let (tag, value) = splitTag(field) {
                guard let n = ByteScanning.decimal(value, as: Int.self) else {
                    throw .badNumber(field: "optional field \(tag)", text: ByteScanning.quoted(field))
                }
                switch tag {
                case "shared": shared = n
                case "master": master = n
                case "propagate_from": propagateFrom = n
                default: other.append(String(decoding: field, as: UTF8.self))
                }
            } else if field.elementsEqual("unbindable".utf8) {
                unbindable = true
            } else {
                other.append(String(decoding: field, as: UTF8.self))
            }
            i += 1
        }
        guard let sep = separator else { throw .missingSeparator }
        let rest = f.count - sep - 1
        guard rest == 3 else { throw .wrongFieldCountAfterSeparator(rest) }
        let superOptions = ByteScanning.split(f[sep + 3], on: UInt8(ascii: ",")).map { ByteString(OctalEscape.decode($0)) }
        return Mount(
            id: id, parentID: parent, major: major, minor: minor,
            root: ByteString(OctalEscape.decode(f[3])),
            mountPoint: ByteString(OctalEscape.decode(f[4])),
            mountOptions: String(decoding: f[5], as: UTF8.self),
            shared: shared, master: master, propagateFrom: propagateFrom, unbindable: unbindable,
            otherOptionalFields: other,
            fsType: ByteString(OctalEscape.decode(f[sep + 1])),
            source: ByteString(OctalEscape.decode(f[sep + 2])),
            superOptions: superOptions
        )
    }

    /// `tag:value` for optional fields; the tag is ASCII.
    private static func splitTag(_ field: ArraySlice<UInt8>) -> (String, ArraySlice<UInt8>)? {
        guard let colon = field.firstIndex(of: ByteScanning.colon) else { return nil }
        return (String(decoding: field[field.startIndex..<colon], as: UTF8.self), field[(colon + 1)...])
    }

    /// Parses a whole file. Every good line is kept; each bad one becomes a diagnostic
    /// `FILE line N: what is wrong`.
    public static func parse(_ data: [UInt8], file: String) -> (mounts: [Mount], diagnostics: [Diagnostic]) {
        var mounts: [Mount] = []
        var diagnostics: [Diagnostic] = []
        mounts.reserveCapacity(MountInfoLineScanner.lineCount(data))
        var n = 0
        MountInfoLineScanner.forEachLine(data) { line in
            n += 1
            do throws(MountInfoError) {
                mounts.append(try parseLine(line))
            } catch {
                diagnostics.append(Diagnostic(file: file, line: n, message: error.description))
            }
        }
        return (mounts, diagnostics)
    }

    /// Only the nsfs mounts of a whole file (the namespace holders), for scans that need no
    /// mount tree: a line is parsed only when it holds the bytes `nsfs`; malformed lines
    /// among those become diagnostics as in ``parse(_:file:)``.
    public static func parseNamespaceFiles(_ data: [UInt8], file: String) -> (mounts: [Mount], diagnostics: [Diagnostic]) {
        var mounts: [Mount] = []
        var diagnostics: [Diagnostic] = []
        var n = 0
        for line in ByteScanning.lines(data) {
            n += 1
            guard ByteScanning.contains(line, "nsfs") else { continue }
            do {
                let m = try parseLine(line)
                if m.isNamespaceFile { mounts.append(m) }
            } catch {
                diagnostics.append(Diagnostic(file: file, line: n, message: error.description))
            }
        }
        return (mounts, diagnostics)
    }
}
