import CutawayModel

/// ``Snapshot``'s top-level object written straight into the ``JSONByteWriter``, keys
/// already in order (the names of its `CodingKeys`, sorted as the writer sorts keys): no
/// open object to reorder at the end, so its bytes go to the descriptor as they are made
/// instead of being held (or spilled to a temporary file) until the last key. Each field's
/// value goes through ``JSONByteWriter/writeValue(_:depth:)`` as before.
/// JSONStreamEncoderTests compares the bytes with Foundation's encoder.
extension JSONByteWriter {
    enum SnapshotKey: Int, DirectKey {
        case containers, diagnostics, features, formatVersion, hostname, idMaps, ipc, kernelRelease, mountTables,
             namespaces, networks, origin, overlays, processes, reader, takenAt, visibility
    }

    func writeSnapshot(_ s: Snapshot, depth: Int) throws {
        let prefixes = keyPrefixes(SnapshotKey.self, depth: depth)
        var first = true
        func value<T: Encodable>(_ name: SnapshotKey, _ v: T) throws {
            writeKey(prefixes[name.rawValue], first: &first)
            try writeValue(v, depth: depth + 1)
            if fd >= 0, buffer.count >= Self.chunk { try flushReady() }
        }
        buffer.append(UInt8(ascii: "{"))
        try value(.containers, s.containers)
        try value(.diagnostics, s.diagnostics)
        try value(.features, s.features)
        try value(.formatVersion, s.formatVersion)
        try value(.hostname, s.hostname)
        try value(.idMaps, s.idMaps)
        try value(.ipc, s.ipc)
        try value(.kernelRelease, s.kernelRelease)
        try value(.mountTables, s.mountTables)
        try value(.namespaces, s.namespaces)
        try value(.networks, s.networks)
        try value(.origin, s.origin)
        try value(.overlays, s.overlays)
        try value(.processes, s.processes)
        try value(.reader, s.reader)
        try value(.takenAt, s.takenAt)
        try value(.visibility, s.visibility)
        buffer.append(0x0A)
        indent(depth)
        buffer.append(UInt8(ascii: "}"))
    }
}
