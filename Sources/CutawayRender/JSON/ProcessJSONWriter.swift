import CutawayModel

/// ``ProcessRecord``'s JSON written straight into the ``JSONByteWriter``, keys already in
/// order: the fields and names of its `encode(to:)` (the README's JSON contract), as for
/// mounts (see MountJSONWriter); its threads (rarely any) go through their own encoding.
/// JSONStreamEncoderTests compares the bytes with Foundation's encoder.
extension JSONByteWriter {
    enum ProcessKey: Int, DirectKey {
        case command, commandBase64, commandLine, commandLineBase64, gids, namespaces, nsPID, nsTGID, pid,
             pidForChildren, ppid, startTime, threads, timeForChildren, uids
    }

    func writeProcess(_ p: ProcessRecord, depth: Int) throws {
        let prefixes = keyPrefixes(ProcessKey.self, depth: depth)
        var first = true
        func key(_ name: ProcessKey) { writeKey(prefixes[name.rawValue], first: &first) }
        buffer.append(UInt8(ascii: "{"))
        key(.command)
        if !writeBytesIfValidUTF8(p.command) {
            writeString(p.command.lossyString)
            key(.commandBase64); writeString(p.command.base64)
        }
        key(.commandLine)
        writeArray(p.commandLine, depth: depth + 1) { if !writeBytesIfValidUTF8($0) { writeString($0.lossyString) } }
        if p.commandLine.contains(where: { !$0.isValidUTF8 }) {
            key(.commandLineBase64)
            writeArray(p.commandLine, depth: depth + 1) { writeString($0.base64) }
        }
        key(.gids); writeArray(p.gids, depth: depth + 1) { writeInteger($0) }
        key(.namespaces)
        // A dictionary keyed by type: an object whose keys (the type names) are sorted.
        let types = NamespaceType.allCases.filter { p.namespaces[$0] != nil }.sorted { $0.rawValue < $1.rawValue }
        buffer.append(UInt8(ascii: "{"))
        if types.isEmpty { buffer.append(0x0A) }
        for (n, type) in types.enumerated() {
            if n > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(0x0A)
            indent(depth + 2)
            writeString(type.rawValue)
            append(" : ")
            writeInteger(p.namespaces[type]!)
        }
        buffer.append(0x0A)
        indent(depth + 1)
        buffer.append(UInt8(ascii: "}"))
        key(.nsPID); writeArray(p.nsPID, depth: depth + 1) { writeInteger($0) }
        key(.nsTGID); writeArray(p.nsTGID, depth: depth + 1) { writeInteger($0) }
        key(.pid); writeInteger(p.pid)
        key(.pidForChildren); writeIntegerOrNull(p.pidForChildren)
        key(.ppid); writeInteger(p.ppid)
        key(.startTime); writeInteger(p.startTime)
        key(.threads); try writeValue(p.threads, depth: depth + 1)
        key(.timeForChildren); writeIntegerOrNull(p.timeForChildren)
        key(.uids); writeArray(p.uids, depth: depth + 1) { writeInteger($0) }
        buffer.append(0x0A)
        indent(depth)
        buffer.append(UInt8(ascii: "}"))
    }
}
