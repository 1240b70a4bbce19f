#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Writes a `JSONValue` as compact JSON text, byte for byte as `JSONEncoder` with `.sortedKeys` and
/// `.withoutEscapingSlashes` writes it (keys in UTF-8 order, a double as its `description` without a
/// trailing ".0", control characters as `\uXXXX` but for `\b \f \n \r \t`), so snapshots and logs
/// stay as they were. Our own because every MCP frame passes through it: the encoder's containers cost
/// more than the frame's content, and it cannot splice a fragment that is already JSON.
enum JSONWriter {
    static func write(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        append(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func append(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number): out.append(contentsOf: String(number).utf8)
        case .double(let number): out.append(contentsOf: text(of: number).utf8)
        case .string(let string): appendString(string, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                append(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            if fields.count == 1, let fragment = fields[JSONValue.preEncodedKey], case .string(let text) = fragment {
                out.append(contentsOf: text.utf8)
                return
            }
            out.append(UInt8(ascii: "{"))
            for (index, key) in fields.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                append(fields[key]!, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A double as `JSONEncoder` writes it; JSON has no NaN or infinity, so those are `null`.
    static func text(of number: Double) -> String {
        guard number.isFinite else { return "null" }
        let text = number.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    private static let hex = Array("0123456789abcdef".utf8)

    private static func appendString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0..<0x20:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    /// The key that marks a fragment of JSON text already encoded (`preEncoded`). Random per process:
    /// no event or client can know it, so nothing from outside can pass text through unescaped.
    static let preEncodedKey = "\u{0}pre-encoded-" + UUID().uuidString

    /// JSON text that `jsonText()` writes verbatim where this value stands: a result the core's
    /// types encoded once (`ResultJSON`), placed in an MCP frame without decoding it again. The text
    /// must be one complete JSON value; anything else than writing it (reading its fields) sees an
    /// object with one unknown key.
    package static func preEncoded(_ text: String) -> JSONValue {
        .object([preEncodedKey: .string(text)])
    }
}
