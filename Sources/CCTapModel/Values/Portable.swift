// Small stand-ins for the few full-Foundation conveniences the model and core used. Full Foundation
// (with CoreFoundation and ICU) more than doubles the C library (PROTOCOL.md's sibling, cabi.md:
// 25.9 MB against 70 MB stripped), while FoundationEssentials has everything else we need.

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension StringProtocol {
    /// The text without leading and trailing white space, newlines included (Unicode White_Space),
    /// as `trimmingCharacters(in: .whitespacesAndNewlines)` gives it.
    package var trimmed: String {
        let scalars = String(self).unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }

    /// The text with its first character lower-cased, to continue a sentence with it.
    package var lowercasedFirst: String {
        guard let first else { return "" }
        return first.lowercased() + dropFirst()
    }
}

/// `name` inside `directory`, as `NSString.appendingPathComponent` joins them.
package func joinedPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}

/// What `stat(2)` says of a path; nil when it cannot be read.
package struct FileFacts: Sendable {
    package var size: Int
    /// The permission bits (`0o777` and the set-id bits).
    package var permissions: Int
    package var isRegularFile: Bool

    package init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        size = Int(info.st_size)
        permissions = Int(info.st_mode) & 0o7777
        isRegularFile = (info.st_mode & S_IFMT) == S_IFREG
    }
}

extension Double {
    /// The number with at most `digits` decimals, as `String(format: "%.<digits>f")` rounds it
    /// (trailing zeros dropped).
    package func rounded(toDecimals digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let value = (self * scale).rounded() / scale
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
