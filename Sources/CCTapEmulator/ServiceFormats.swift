#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

import CCTapModel

// How the service writes what it makes up: JSON bodies, timestamps and ids.

/// Events and bodies are kept as JSON values, exactly as posted plus what the service adds.
public typealias JSON = JSONValue

enum Clock {
    /// ISO 8601 with milliseconds, as the service writes timestamps.
    static func timestamp(_ date: Date = Date()) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

enum IDs {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefghijkmnopqrstuvwxyz")
    /// A random id suffix in the style of the service's (`01` + base58-ish characters).
    static func random(_ length: Int = 24) -> String {
        "01" + String((0..<(length - 2)).map { _ in alphabet.randomElement()! })
    }
    static func uuid() -> String { UUID().uuidString.lowercased() }
}
