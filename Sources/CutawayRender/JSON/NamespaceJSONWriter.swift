import CutawayModel

/// ``Namespace``'s JSON (with its ``NamespaceHolder``s) written straight into the
/// ``JSONByteWriter``, keys already in order: the fields and names of their
/// `encode(to:)` (the README's JSON contract), as for mounts (see MountJSONWriter). A host
/// with 300 containers has about 2,000 namespaces; `namespaces --json` is little else.
/// JSONStreamEncoderTests compares the bytes with Foundation's encoder.
extension JSONByteWriter {
    enum NamespaceKey: Int, DirectKey {
        case hidden, holders, id, inode, notes, owner, ownerUID, parent, pids, threads, type
    }

    enum HolderKey: Int, DirectKey {
        case fd, kind, mountID, mountNamespace, path, pathBase64, pid
    }

    func writeNamespace(_ n: Namespace, depth: Int) {
        let prefixes = keyPrefixes(NamespaceKey.self, depth: depth)
        var first = true
        func key(_ name: NamespaceKey) { writeKey(prefixes[name.rawValue], first: &first) }
        buffer.append(UInt8(ascii: "{"))
        key(.hidden); append(n.hidden ? "true" : "false")
        key(.holders); writeArray(n.holders, depth: depth + 1) { writeHolder($0, depth: depth + 2) }
        key(.id); writeIntegerOrNull(n.id)
        key(.inode); writeInteger(n.inode)
        key(.notes); writeStringArray(n.notes, depth: depth + 1)
        key(.owner); writeIntegerOrNull(n.owner)
        key(.ownerUID); writeIntegerOrNull(n.ownerUID)
        key(.parent); writeIntegerOrNull(n.parent)
        key(.pids); writeArray(n.pids, depth: depth + 1) { writeInteger($0) }
        key(.threads); writeArray(n.threads, depth: depth + 1) { writeInteger($0) }
        key(.type); writeString(n.type.rawValue)
        buffer.append(0x0A)
        indent(depth)
        buffer.append(UInt8(ascii: "}"))
    }

    func writeHolder(_ h: NamespaceHolder, depth: Int) {
        let prefixes = keyPrefixes(HolderKey.self, depth: depth)
        var first = true
        func key(_ name: HolderKey) { writeKey(prefixes[name.rawValue], first: &first) }
        buffer.append(UInt8(ascii: "{"))
        key(.fd); writeIntegerOrNull(h.fd)
        key(.kind); writeString(h.kind.rawValue)
        key(.mountID); writeIntegerOrNull(h.mountID)
        key(.mountNamespace); writeIntegerOrNull(h.mountNamespace)
        key(.path)
        if let path = h.path {
            if !writeBytesIfValidUTF8(path) {
                writeString(path.lossyString)
                key(.pathBase64); writeString(path.base64)
            }
        } else {
            append("null")
        }
        key(.pid); writeInteger(h.pid)
        buffer.append(0x0A)
        indent(depth)
        buffer.append(UInt8(ascii: "}"))
    }
}
