import CutawayModel

/// What is wrong with an overlay's option string.
public enum OverlayOptionsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No `lowerdir=` or `lowerdir+=` at all.
    case noLowerLayer
    /// A layer option with an empty path.
    case emptyLayerPath(option: String)
    /// More than two unescaped colons in a row in a legacy `lowerdir=`.
    case tooManyColons
    /// `lowerdir=` and `lowerdir+=` together (the kernel refuses it with EINVAL).
    case mixedLegacyAndAppend
    /// A regular lower layer after a data-only layer.
    case lowerAfterDataLayer
    /// A path that ends in an escaping backslash (nothing for it to escape).
    case trailingBackslash(option: String)

    public var description: String {
        switch self {
        case .noLowerLayer: "no lowerdir: an overlay needs at least one lower layer"
        case .emptyLayerPath(let o): "empty layer path in \(o)"
        case .tooManyColons: "three or more unescaped ':' in a row in lowerdir (only ':' and the data-only separator '::' are allowed)"
        case .mixedLegacyAndAppend: "lowerdir= mixed with lowerdir+= or datadir+= (the kernel refuses this)"
        case .lowerAfterDataLayer: "a regular lower layer after a data-only layer (the kernel refuses this)"
        case .trailingBackslash(let o): "\(o) ends in an escaping backslash"
        }
    }
}

/// Parses the super options of an overlay mount into a stack (overlayfs.rst, fs/overlayfs/params.c).
///
/// Input is ``Mount/superOptions``: already split on the raw commas that separate options and
/// decoded from octal escapes (a comma inside a value arrives as `\054`, so it never splits).
/// Then, as the kernel does:
/// - legacy `lowerdir=A:B::C`: split on unescaped `:`; an empty element (from `::`) starts the
///   data-only layers; each element is unescaped (`\` + any byte = that byte);
/// - `lowerdir+=` / `datadir+=` (new mount API): one layer each, taken verbatim (`:` is raw);
/// - `upperdir=` and `workdir=`: unescaped, like legacy lowerdir elements.
public enum OverlayOptionsParser {
    /// The layers (top first), work directory, other options and whether the `+=` options were
    /// used, from an overlay mount's super options.
    public static func parse(_ options: [ByteString]) throws(OverlayOptionsError) -> (layers: [OverlayLayer], workDir: ByteString?, switches: [String], usesAppend: Bool) {
        var upper: ByteString?
        var work: ByteString?
        var legacy: [OverlayLayer] = []
        var appended: [OverlayLayer] = []
        var switches: [String] = []
        var sawLegacy = false
        for option in options {
            let b = option.bytes
            if let v = value(b, "lowerdir=") {
                sawLegacy = true
                legacy = try splitLegacyLowerdir(v)
            } else if let v = value(b, "lowerdir+=") {
                guard !v.isEmpty else { throw .emptyLayerPath(option: "lowerdir+=") }
                if appended.contains(where: { $0.role == .data }) { throw .lowerAfterDataLayer }
                appended.append(OverlayLayer(role: .lower, path: ByteString(v)))
            } else if let v = value(b, "datadir+=") {
                guard !v.isEmpty else { throw .emptyLayerPath(option: "datadir+=") }
                appended.append(OverlayLayer(role: .data, path: ByteString(v)))
            } else if let v = value(b, "upperdir=") {
                upper = ByteString(try unescape(v[...], option: "upperdir"))
            } else if let v = value(b, "workdir=") {
                work = ByteString(try unescape(v[...], option: "workdir"))
            } else if !(b == Array("rw".utf8) || b == Array("ro".utf8)) {
                switches.append(option.lossyString)
            }
        }
        if sawLegacy && !appended.isEmpty { throw .mixedLegacyAndAppend }
        let lowers = sawLegacy ? legacy : appended
        guard lowers.contains(where: { $0.role == .lower }) else { throw .noLowerLayer }
        var layers: [OverlayLayer] = []
        if let upper {
            guard !upper.isEmpty else { throw .emptyLayerPath(option: "upperdir") }
            layers.append(OverlayLayer(role: .upper, path: upper))
        }
        layers += lowers
        return (layers, work, switches, !appended.isEmpty)
    }

    private static func value(_ option: [UInt8], _ key: String) -> [UInt8]? {
        let k = Array(key.utf8)
        return option.starts(with: k) ? Array(option[k.count...]) : nil
    }

    /// `A:B::C::D` -> lower A, lower B, data C, data D.
    static func splitLegacyLowerdir(_ value: [UInt8]) throws(OverlayOptionsError) -> [OverlayLayer] {
        let colon = UInt8(ascii: ":"), backslash = UInt8(ascii: "\\")
        var elements: [[UInt8]] = []
        var current: [UInt8] = []
        var i = 0
        var colonsInARow = 0
        while i < value.count {
            let c = value[i]
            if c == backslash {
                guard i + 1 < value.count else { throw .trailingBackslash(option: "lowerdir") }
                current.append(value[i + 1])
                i += 2
                colonsInARow = 0
                continue
            }
            if c == colon {
                colonsInARow += 1
                if colonsInARow > 2 { throw .tooManyColons }
                elements.append(current)
                current = []
            } else {
                colonsInARow = 0
                current.append(c)
            }
            i += 1
        }
        elements.append(current)
        var layers: [OverlayLayer] = []
        var data = false
        for (n, element) in elements.enumerated() {
            if element.isEmpty {
                // `::` produces one empty element: the boundary. Empty first/last is an empty path.
                guard n > 0, n < elements.count - 1, !elements[n - 1].isEmpty else { throw .emptyLayerPath(option: "lowerdir") }
                data = true
                continue
            }
            layers.append(OverlayLayer(role: data ? .data : .lower, path: ByteString(element)))
        }
        return layers
    }

    /// overlayfs's `ovl_unescape()`: a backslash makes the next byte literal.
    static func unescape(_ bytes: ArraySlice<UInt8>, option: String) throws(OverlayOptionsError) -> [UInt8] {
        var out: [UInt8] = []
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == UInt8(ascii: "\\") {
                guard i + 1 < bytes.endIndex else { throw .trailingBackslash(option: option) }
                out.append(bytes[i + 1])
                i += 2
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    /// The stack of one overlay mount.
    public static func stack(of mount: Mount, in mountNamespace: UInt64) throws(OverlayOptionsError) -> OverlayStack {
        let parsed = try parse(mount.superOptions)
        let layers = parsed.layers.map { layer -> OverlayLayer in
            var l = layer
            if !l.isRelative { l.resolvedPath = l.path }
            return l
        }
        return OverlayStack(mountNamespace: mountNamespace, mountID: mount.id, mergedDir: mount.mountPoint, layers: layers,
                            workDir: parsed.workDir, switches: parsed.switches, usesLayerAppendOptions: parsed.usesAppend)
    }
}

extension MountTable {
    /// The stack of ``MountTable/rootOverlay``: the overlay a container runs in, parsed from
    /// its options; nil when the root is not an overlay or its options cannot be parsed.
    public var rootOverlayStack: OverlayStack? {
        rootOverlay.flatMap { try? OverlayOptionsParser.stack(of: $0, in: mountNamespace) }
    }
}
