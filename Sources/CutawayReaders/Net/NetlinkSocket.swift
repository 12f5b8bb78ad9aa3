#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxSyscalls

/// A NETLINK_ROUTE socket (netlink(7), rtnetlink(7)) for asking the kernel, bounded: every
/// receive waits at most 5 seconds and a dump may bring at most 256 MiB.
///
/// The socket belongs to the network namespace of the thread that created it, for its whole
/// life (netlink(7)): create it on a thread that has entered the namespace (``NamespaceThread``).
final class NetlinkSocket {
    private let fd: Int32
    private var sequence: UInt32 = 0
    private var buffer = [UInt8](repeating: 0, count: 1 << 17)
    static let maximumDumpBytes = 256 << 20

    init() throws(NamespaceReadError) {
        fd = cutaway_netlink_route_socket()
        guard fd >= 0 else { throw .errno("netlink socket", errno) }
        _ = cutaway_socket_receive_timeout(fd, 5)
    }

    deinit { close(fd) }

    private func nextSequence() -> UInt32 { sequence &+= 1; return sequence }

    /// Sends a dump request made by `request(sequence)` and collects every answer up to
    /// NLMSG_DONE. A dump the kernel marks inconsistent (NLM_F_DUMP_INTR: the table changed
    /// meanwhile) is asked again, up to three times.
    func dump(_ request: (UInt32) -> [UInt8]) throws(NamespaceReadError) -> [NetlinkMessage.Message] {
        var attempt = 0
        while true {
            attempt += 1
            let (messages, interrupted) = try exchange(request(nextSequence()), untilDone: true)
            if !interrupted || attempt == 3 { return messages }
        }
    }

    /// Sends one request and returns its single answer (or the error it gets).
    func ask(_ request: (UInt32) -> [UInt8]) throws(NamespaceReadError) -> NetlinkMessage.Message? {
        try exchange(request(nextSequence()), untilDone: false).messages.first
    }

    private func exchange(_ request: [UInt8], untilDone: Bool) throws(NamespaceReadError) -> (messages: [NetlinkMessage.Message], interrupted: Bool) {
        let seq = NetlinkMessage.u32(request[...], 8)
        let sent = request.withUnsafeBytes { cutaway_netlink_send(fd, $0.baseAddress, $0.count) }
        guard sent == request.count else { throw .errno("netlink send", errno) }
        var out: [NetlinkMessage.Message] = []
        var interrupted = false
        var total = 0
        while true {
            var sender: UInt32 = 0
            let n = buffer.withUnsafeMutableBytes { cutaway_netlink_receive(fd, $0.baseAddress, $0.count, &sender) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .errno("netlink receive", errno)
            }
            guard n <= buffer.count else { throw .init("netlink receive: a message of \(n) bytes did not fit") }
            guard sender == 0 else { continue } // only the kernel answers
            total += n
            guard total <= Self.maximumDumpBytes else { throw .init("netlink dump larger than \(Self.maximumDumpBytes >> 20) MiB; stopped") }
            let messages: [NetlinkMessage.Message]
            do { messages = try NetlinkMessage.messages(in: buffer[0..<n]) } catch { throw .init("\(error)") }
            for m in messages where m.sequence == seq {
                if m.flags & NetlinkMessage.flagDumpInterrupted != 0 { interrupted = true }
                switch m.type {
                case NetlinkMessage.done:
                    return (out, interrupted)
                case NetlinkMessage.error:
                    let code = NetlinkMessage.errorCode(m) ?? -EIO
                    if code == 0 && !untilDone { return (out, interrupted) }
                    if code != 0 { throw .errno("netlink request", -code) }
                case NetlinkMessage.noop:
                    continue
                default:
                    out.append(m)
                    if !untilDone { return (out, interrupted) }
                }
            }
        }
    }
}
