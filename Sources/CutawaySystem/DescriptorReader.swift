import SystemPackage

/// Buffered reads of whole lines and exact byte counts from a descriptor (a pipe), read(2)
/// again after EINTR; a read error counts as the end of input.
public final class DescriptorReader {
    /// The descriptor read from (not closed by the reader).
    public let descriptor: FileDescriptor
    private var buffer: [UInt8] = []
    private var start = 0

    /// A reader of `descriptor` with an empty buffer.
    public init(_ descriptor: FileDescriptor) { self.descriptor = descriptor }

    /// Reads what is there (up to 64 KiB) onto the buffer; false at the end of input.
    private func fill() -> Bool {
        if start > 0 { buffer.removeFirst(start); start = 0 }
        var chunk = [UInt8](repeating: 0, count: 65536)
        guard let n = try? chunk.withUnsafeMutableBytes({ try descriptor.read(into: $0) }), n > 0 else { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    /// The next line without its newline; nil at the end of input.
    public func line() -> String? {
        while true {
            if let nl = buffer[start...].firstIndex(of: 0x0A) {
                let text = String(decoding: buffer[start..<nl], as: UTF8.self)
                start = nl + 1
                return text
            }
            guard fill() else { return nil }
        }
    }

    /// Exactly `count` bytes; nil if input ends first.
    public func bytes(_ count: Int) -> [UInt8]? {
        while buffer.count - start < count { guard fill() else { return nil } }
        let out = Array(buffer[start..<(start + count)])
        start += count
        return out
    }
}
