/// The ASCII decimal digits of an unsigned integer, for the JSON byte writers
/// (``JSONByteWriter`` and the shapes' ``ByteSink``): formatted right to left in a small
/// stack buffer, with no `String` made.
enum DecimalDigits {
    /// Calls `body` with the digits of `value` (no sign, no leading zeros; `0` for zero).
    @inline(__always) static func with<R>(_ value: UInt64, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var v = value
            var i = 20
            repeat {
                i -= 1
                let (q, r) = v.quotientAndRemainder(dividingBy: 10)
                digits[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: r)
                v = q
            } while v > 0
            return body(UnsafeBufferPointer(rebasing: digits[i..<20]))
        }
    }
}
