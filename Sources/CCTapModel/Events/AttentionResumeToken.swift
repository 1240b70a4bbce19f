/// The token `waitForAttention` hands back so the next call reports only what is new: the
/// occasions already reported that still stand. Opaque to callers: `att2.` + 16 hex digits a
/// standing occasion (its 64-bit FNV-1a hash), so it stays short whatever the occasions hold, and
/// is plain text for any transport. At most `maxOccasions` are kept (the last in the occasions' sort
/// order, an arbitrary but stable choice; the rest would be reported again, never lost). The first format, `att1.` + hex of the joined
/// occasions, is still read.
package struct AttentionResumeToken: Sendable, Equatable {
    static let prefix = "att2."
    static let firstPrefix = "att1."
    /// More standing occasions than any account shows at once; bounds the token at about 4 KiB.
    package static let maxOccasions = 256

    private var hashes: Set<UInt64>

    package init(_ occasions: some Sequence<String>) {
        hashes = Set(occasions.map(Self.hash))
    }

    package func contains(_ occasion: String) -> Bool { hashes.contains(Self.hash(occasion)) }
    package mutating func insert(_ occasion: String) { hashes.insert(Self.hash(occasion)) }
    package var count: Int { hashes.count }

    package static func encode(_ occasions: some Collection<String>) -> String {
        let kept = occasions.count > maxOccasions ? Array(occasions.sorted().suffix(maxOccasions)) : Array(occasions)
        return prefix + Set(kept.map(hash)).sorted().map(hex).joined()
    }

    package static func decode(_ token: String) throws(TapError) -> AttentionResumeToken {
        let text = token.trimmed
        if text.hasPrefix(firstPrefix) { return AttentionResumeToken(try decodeFirst(text)) }
        let digits = Array(text.utf8.dropFirst(prefix.utf8.count))
        guard text.hasPrefix(prefix), digits.count <= maxOccasions * 16 else {
            throw TapError.invalidArgument(
                "resume_token is not one this tool handed out (it starts with \(prefix)); leave it out to start afresh.")
        }
        guard digits.count % 16 == 0 else { throw TapError.invalidArgument("resume_token is damaged; leave it out to start afresh.") }
        var hashes = Set<UInt64>()
        var index = 0
        while index < digits.count {
            var value: UInt64 = 0
            for byte in digits[index..<index + 16] {
                guard let nibble = Self.nibble(byte) else {
                    throw TapError.invalidArgument("resume_token is damaged; leave it out to start afresh.")
                }
                value = value << 4 | UInt64(nibble)
            }
            hashes.insert(value)
            index += 16
        }
        var token = AttentionResumeToken([String]())
        token.hashes = hashes
        return token
    }

    /// FNV-1a, 64 bits: stable across processes and versions (Swift's `Hasher` is seeded per process).
    static func hash(_ text: String) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01b3
        }
        return value
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private static func decodeFirst(_ text: String) throws(TapError) -> Set<String> {
        guard text.utf8.count <= Limits.resumeTokenBytes else {
            throw TapError.invalidArgument("resume_token is damaged; leave it out to start afresh.")
        }
        let hex = Array(text.utf8.dropFirst(firstPrefix.utf8.count))
        guard hex.count % 2 == 0 else { throw TapError.invalidArgument("resume_token is damaged; leave it out to start afresh.") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = 0
        while index < hex.count {
            guard let high = Self.nibble(hex[index]), let low = Self.nibble(hex[index + 1]) else {
                throw TapError.invalidArgument("resume_token is damaged; leave it out to start afresh.")
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        let joined = String(decoding: bytes, as: UTF8.self)
        return Set(joined.split(separator: "\n").map(String.init))
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
