/// Reads JSON text from the service into a `JSONValue`, forgiving what one bad string or one
/// runaway structure would otherwise cost a whole answer.
///
/// Our own because Foundation's `JSONDecoder` fails the whole document on a lone UTF-16 surrogate
/// (`"\ud800"`, half an emoji) or on nesting past its limit, so one odd title hid a whole session
/// list. Here:
/// - a lone or mismatched surrogate escape, and invalid UTF-8, become U+FFFD;
/// - a value nested deeper than `maxDepth` is skipped whole and replaced by a note (a string), so the
///   event around it stays readable;
/// - a number that does not fit a finite `Double` (`1e400`) is kept as its text, since a non-finite
///   double cannot be written out again as JSON; a whole number is an integer however written (`2.0`);
/// - control characters inside strings are taken as they are.
/// Anything else that is not JSON (a cut-off body, `{`, trailing garbage) is still an error.
public enum JSONParser {
    /// How deep objects and arrays may nest before the rest is replaced by `deepValueNote`.
    public static let maxDepth = 64
    /// What stands in for a value nested deeper than `maxDepth`.
    public static let deepValueNote = "[cc-tap: nested deeper than \(maxDepth) levels; not shown]"

    public struct Failure: Error, Sendable, Equatable {
        /// Byte offset where reading stopped.
        public var offset: Int
        public var reason: String
    }

    public static func parse(_ bytes: some Collection<UInt8>) throws(Failure) -> JSONValue {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { buffer throws(Failure) in
            var reader = Reader(bytes: buffer)
            reader.skipWhitespace()
            // A UTF-8 byte-order mark is not JSON, but some servers send one.
            if reader.peek(0xEF), buffer.count >= reader.offset + 3, buffer[reader.offset + 1] == 0xBB,
                buffer[reader.offset + 2] == 0xBF
            {
                reader.offset += 3
            }
            let value = try reader.value(depth: 0)
            reader.skipWhitespace()
            guard reader.atEnd else { throw reader.failure("unexpected text after the JSON value") }
            return value
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0

        var atEnd: Bool { offset >= bytes.count }

        func peek(_ byte: UInt8) -> Bool { offset < bytes.count && bytes[offset] == byte }

        func failure(_ reason: String) -> Failure { Failure(offset: offset, reason: reason) }

        mutating func skipWhitespace() {
            while offset < bytes.count {
                switch bytes[offset] {
                case 0x20, 0x09, 0x0A, 0x0D: offset += 1
                default: return
                }
            }
        }

        mutating func expect(_ byte: UInt8, _ what: String) throws(Failure) {
            skipWhitespace()
            guard peek(byte) else { throw failure("expected \(what)") }
            offset += 1
        }

        mutating func value(depth: Int) throws(Failure) -> JSONValue {
            skipWhitespace()
            guard offset < bytes.count else { throw failure("the text ends where a value should start") }
            switch bytes[offset] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if depth >= JSONParser.maxDepth {
                    try skipNested()
                    return .string(JSONParser.deepValueNote)
                }
                return bytes[offset] == UInt8(ascii: "{") ? try object(depth: depth) : try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw failure("unexpected character")
            }
        }

        mutating func literal(_ word: StaticString, _ value: JSONValue) throws(Failure) -> JSONValue {
            let count = word.utf8CodeUnitCount
            guard offset + count <= bytes.count else { throw failure("the text ends inside a literal") }
            for index in 0..<count where bytes[offset + index] != word.utf8Start[index] {
                throw failure("unknown literal")
            }
            offset += count
            return value
        }

        mutating func object(depth: Int) throws(Failure) -> JSONValue {
            offset += 1
            var members: [String: JSONValue] = [:]
            skipWhitespace()
            if peek(UInt8(ascii: "}")) {
                offset += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard peek(UInt8(ascii: "\"")) else { throw failure("expected a member name") }
                let key = try string()
                try expect(UInt8(ascii: ":"), "':' after a member name")
                members[key] = try value(depth: depth + 1)
                skipWhitespace()
                if peek(UInt8(ascii: ",")) {
                    offset += 1
                    continue
                }
                try expect(UInt8(ascii: "}"), "',' or '}' in an object")
                return .object(members)
            }
        }

        mutating func array(depth: Int) throws(Failure) -> JSONValue {
            offset += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if peek(UInt8(ascii: "]")) {
                offset += 1
                return .array(items)
            }
            while true {
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                if peek(UInt8(ascii: ",")) {
                    offset += 1
                    continue
                }
                try expect(UInt8(ascii: "]"), "',' or ']' in an array")
                return .array(items)
            }
        }

        /// Steps over one object or array, however deep, without building it (no recursion, so a
        /// million brackets cost no stack). Checks only that brackets and strings close.
        mutating func skipNested() throws(Failure) {
            var open = 0
            while offset < bytes.count {
                switch bytes[offset] {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    open += 1
                    offset += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    open -= 1
                    offset += 1
                    if open == 0 { return }
                case UInt8(ascii: "\""):
                    _ = try string()
                default:
                    offset += 1
                }
            }
            throw failure("the text ends inside a nested value")
        }

        mutating func string() throws(Failure) -> String {
            offset += 1
            let start = offset
            // Fast path: no escapes.
            while offset < bytes.count {
                let byte = bytes[offset]
                if byte == UInt8(ascii: "\"") {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
                    offset += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") { break }
                offset += 1
            }
            var utf8 = Array(bytes[start..<offset])
            while offset < bytes.count {
                let byte = bytes[offset]
                switch byte {
                case UInt8(ascii: "\""):
                    offset += 1
                    return String(decoding: utf8, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    offset += 1
                    guard offset < bytes.count else { break }
                    let escape = bytes[offset]
                    offset += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"): append(try unicodeEscape(), to: &utf8)
                    default: throw failure("unknown escape in a string")
                    }
                default:
                    utf8.append(byte)
                    offset += 1
                }
            }
            throw failure("the text ends inside a string")
        }

        /// The scalar of a `\uXXXX` escape (the `\u` already read), pairing surrogates; an unpaired
        /// surrogate is U+FFFD.
        mutating func unicodeEscape() throws(Failure) -> Unicode.Scalar {
            let first = try hex4()
            switch first {
            case 0xD800...0xDBFF:
                // A high surrogate counts only when a low one follows at once.
                if offset + 6 <= bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") {
                    let saved = offset
                    offset += 2
                    let second = try hex4()
                    if (0xDC00...0xDFFF).contains(second) {
                        return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)) ?? "\u{FFFD}"
                    }
                    offset = saved  // not a pair: the next escape is read on its own
                }
                return "\u{FFFD}"
            case 0xDC00...0xDFFF:
                return "\u{FFFD}"
            default:
                return Unicode.Scalar(first) ?? "\u{FFFD}"
            }
        }

        mutating func hex4() throws(Failure) -> UInt32 {
            guard offset + 4 <= bytes.count else { throw failure("the text ends inside a \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[offset]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw failure("a \\u escape needs four hex digits")
                }
                value = value << 4 | UInt32(digit)
                offset += 1
            }
            return value
        }

        func append(_ scalar: Unicode.Scalar, to utf8: inout [UInt8]) {
            utf8.append(contentsOf: String(Character(scalar)).utf8)
        }

        mutating func number() throws(Failure) -> JSONValue {
            let start = offset
            var integral = true
            if peek(UInt8(ascii: "-")) { offset += 1 }
            let digitsStart = offset
            while offset < bytes.count, Self.isNumberByte(bytes[offset]) {
                if !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) { integral = false }
                offset += 1
            }
            guard offset > digitsStart else { throw failure("a number needs digits") }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
            if integral, let value = Int64(text) { return .int(value) }
            guard let value = Double(text) else { throw failure("not a number") }
            guard value.isFinite else { return .string(text) }
            // A whole number written as `2.0` or `1e2` is an integer, as Foundation's decoder read it,
            // so that what is encoded again parses back the same.
            if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return .int(Int64(value)) }
            return .double(value)
        }

        static func isNumberByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
                UInt8(ascii: "+"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }
}
