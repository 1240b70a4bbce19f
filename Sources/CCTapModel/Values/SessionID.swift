/// A session id as the user gives it: `session_X`, `cse_X` or a bare `X`.
///
/// The same session is `session_X` on the v1 compat routes and `cse_X` on the v2 `/v1/code`
/// routes, with the same suffix. We keep the suffix and render whichever form a route needs.
/// The suffix is checked before any request, so nothing odd ever reaches a URL path.
public struct SessionID: Sendable, Hashable, Codable, CustomStringConvertible {
    public let suffix: String

    public init(_ text: String) throws(TapError) {
        let trimmed = text.trimmed
        var suffix = trimmed
        for prefix in ["session_", "cse_"] where trimmed.hasPrefix(prefix) {
            suffix = String(trimmed.dropFirst(prefix.count))
        }
        guard Self.isValidSuffix(suffix) else {
            throw TapError.invalidSessionID(
                "'\(text.prefix(80))' is not a session id: expected session_X, cse_X or X where X is \(Limits.sessionIDSuffix.lowerBound) to \(Limits.sessionIDSuffix.upperBound) "
                    + "letters, digits, '_' or '-'."
            )
        }
        self.suffix = suffix
    }

    package static func isValidSuffix(_ suffix: String) -> Bool {
        let count = suffix.utf8.count
        guard Limits.sessionIDSuffix.contains(count) else { return false }
        return suffix.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F || byte == 0x2D
        }
    }

    /// The form a dialect's routes use and return: `cse_X` (v2) or `session_X` (v1).
    public func spelled(_ dialect: Dialect) -> String { (dialect == .v2 ? "cse_" : "session_") + suffix }
    /// The v1 form, `session_X`, which the published cc-tap showed: how logs and messages name a session.
    public var description: String { spelled(.v1) }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(spelled(.v1))
    }
}

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
