/// The framing of netlink(7) messages, as pure byte work (no socket): building a request
/// and splitting a received datagram into messages and attributes.
///
/// A message is `struct nlmsghdr` (length, type, flags, sequence, port id; 16 bytes, host
/// byte order) followed by its payload, padded to 4 bytes (NLMSG_ALIGN). Attributes are
/// `struct rtattr`/`struct nlattr` (length, type; 4 bytes) followed by the value, padded to 4.
public enum NetlinkMessage {
    /// NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE (netlink(7)).
    public static let noop: UInt16 = 1
    /// NLMSG_ERROR: an error (or, with error 0, an acknowledgement); `struct nlmsgerr` follows.
    public static let error: UInt16 = 2
    /// NLMSG_DONE: the end of a multipart dump.
    public static let done: UInt16 = 3

    /// NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP_INTR, NLM_F_DUMP (NLM_F_ROOT|NLM_F_MATCH).
    public static let flagRequest: UInt16 = 0x1
    /// NLM_F_MULTI: part of a multipart answer, ended by NLMSG_DONE.
    public static let flagMulti: UInt16 = 0x2
    /// NLM_F_ACK: ask for an acknowledgement.
    public static let flagAck: UInt16 = 0x4
    /// NLM_F_DUMP_INTR: the dump changed while it was sent and may be inconsistent.
    public static let flagDumpInterrupted: UInt16 = 0x10
    /// NLM_F_DUMP: every object of the kind asked for.
    public static let flagDump: UInt16 = 0x300

    /// The size of `struct nlmsghdr`.
    public static let headerLength = 16

    /// One parsed message.
    public struct Message: Sendable, Equatable {
        /// `nlmsg_type`: RTM_NEWLINK, NLMSG_DONE, …
        public var type: UInt16
        /// `nlmsg_flags`: NLM_F_*.
        public var flags: UInt16
        /// `nlmsg_seq`: the sequence number of the request it answers.
        public var sequence: UInt32
        /// `nlmsg_pid`: the sender's port id (0 for the kernel).
        public var portID: UInt32
        /// The bytes after the header, up to the message's length (without padding).
        public var payload: ArraySlice<UInt8>
    }

    /// What a datagram could not be parsed as.
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        /// A header or attribute whose length runs past the end of the data, or is too short.
        case truncated(offset: Int)
        public var description: String {
            switch self { case .truncated(let o): "malformed netlink message at byte \(o)" }
        }
    }

    static func align(_ n: Int) -> Int { (n + 3) & ~3 }

    /// A request: header + `payload` (the family header, e.g. `struct ifinfomsg`) + attributes.
    public static func request(type: UInt16, flags: UInt16, sequence: UInt32, payload: [UInt8], attributes: [(UInt16, [UInt8])] = []) -> [UInt8] {
        var body = payload
        while body.count % 4 != 0 { body.append(0) }
        for (type, value) in attributes {
            body += le(UInt16(4 + value.count)) + le(type) + value
            while body.count % 4 != 0 { body.append(0) }
        }
        return le(UInt32(headerLength + body.count)) + le(type) + le(flags) + le(sequence) + le(UInt32(0)) + body
    }

    /// Splits a datagram into messages. A length field that does not fit is an error; the
    /// messages before it are not returned (a datagram is all or nothing).
    public static func messages(in data: ArraySlice<UInt8>) throws(ParseError) -> [Message] {
        var out: [Message] = []
        var offset = data.startIndex
        while data.endIndex - offset >= headerLength {
            let length = Int(u32(data, offset))
            guard length >= headerLength, length <= data.endIndex - offset else { throw .truncated(offset: offset - data.startIndex) }
            out.append(Message(type: u16(data, offset + 4), flags: u16(data, offset + 6), sequence: u32(data, offset + 8),
                               portID: u32(data, offset + 12), payload: data[(offset + headerLength)..<(offset + length)]))
            offset += min(align(length), data.endIndex - offset)
        }
        if offset != data.endIndex { throw .truncated(offset: offset - data.startIndex) }
        return out
    }

    /// The attributes in `data`, by type (NLA_TYPE_MASK applied: the nested and byte-order
    /// bits are dropped); a repeated type keeps its last value. Stops at a malformed attribute.
    public static func attributes(_ data: ArraySlice<UInt8>) -> [UInt16: ArraySlice<UInt8>] {
        var out: [UInt16: ArraySlice<UInt8>] = [:]
        for (type, value) in attributeList(data) { out[type] = value }
        return out
    }

    /// The attributes in order (for lists such as RTA_MULTIPATH's next hops).
    public static func attributeList(_ data: ArraySlice<UInt8>) -> [(UInt16, ArraySlice<UInt8>)] {
        var out: [(UInt16, ArraySlice<UInt8>)] = []
        var offset = data.startIndex
        while data.endIndex - offset >= 4 {
            let length = Int(u16(data, offset))
            guard length >= 4, length <= data.endIndex - offset else { break }
            out.append((u16(data, offset + 2) & 0x3fff, data[(offset + 4)..<(offset + length)]))
            offset += min(align(length), data.endIndex - offset)
        }
        return out
    }

    /// The negative errno of an NLMSG_ERROR (0 for an acknowledgement), nil when too short.
    public static func errorCode(_ message: Message) -> Int32? {
        guard message.payload.count >= 4 else { return nil }
        return Int32(bitPattern: u32(message.payload, message.payload.startIndex))
    }

    // Host byte order is little-endian on every platform cutaway builds for (x86-64, arm64).
    static func u16(_ d: ArraySlice<UInt8>, _ i: Int) -> UInt16 { UInt16(d[i]) | UInt16(d[i + 1]) << 8 }
    static func u32(_ d: ArraySlice<UInt8>, _ i: Int) -> UInt32 {
        UInt32(d[i]) | UInt32(d[i + 1]) << 8 | UInt32(d[i + 2]) << 16 | UInt32(d[i + 3]) << 24
    }
    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

    /// An attribute's value as an integer of its width, nil for another width.
    static func int32(_ v: ArraySlice<UInt8>?) -> Int32? { v.flatMap { $0.count >= 4 ? Int32(bitPattern: u32($0, $0.startIndex)) : nil } }
    static func uint32(_ v: ArraySlice<UInt8>?) -> UInt32? { v.flatMap { $0.count >= 4 ? u32($0, $0.startIndex) : nil } }
    /// A NUL-terminated string attribute, without the NUL.
    static func string(_ v: ArraySlice<UInt8>?) -> [UInt8]? { v.map { Array($0.prefix { $0 != 0 }) } }
}
