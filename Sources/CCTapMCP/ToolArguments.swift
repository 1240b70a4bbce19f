import CCTapCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A tool's arguments, read with checks that produce messages a model can act on.
struct ToolArguments {
    let tool: String
    let values: [String: JSONValue]

    /// Thrown for bad arguments; reported as an `isError` result (input validation is a tool
    /// execution error since MCP 2025-11-25).
    struct Invalid: Error {
        let message: String
    }

    init(tool: String, values: [String: JSONValue]?, allowed: Set<String>) throws {
        self.tool = tool
        self.values = values ?? [:]
        let unknown = self.values.keys.filter { !allowed.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw Invalid(
                message: "\(tool) does not take \(unknown.joined(separator: ", ")); it takes "
                    + (allowed.isEmpty ? "no arguments" : allowed.sorted().joined(separator: ", ")) + ".")
        }
    }

    func string(_ name: String) throws -> String? {
        switch values[name] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?: throw Invalid(message: "\(name) must be a string (got \(Self.kind(other))).")
        }
    }

    func requiredString(_ name: String) throws -> String {
        guard let text = try string(name), !text.isEmpty else {
            throw Invalid(message: "\(tool) needs \(name).")
        }
        return text
    }

    func number(_ name: String) throws -> Double? {
        switch values[name] {
        case nil, .null?: return nil
        case .int(let value)?: return Double(value)
        case .double(let value)?: return value
        case .string(let text)?:
            // Some clients send numbers as strings; accept those that are numbers.
            if let value = Double(text.trimmed), value.isFinite { return value }
            throw Invalid(message: "\(name) must be a number (got \"\(text.prefix(40))\").")
        case let other?: throw Invalid(message: "\(name) must be a number (got \(Self.kind(other))).")
        }
    }

    func integer(_ name: String) throws -> Int? {
        guard let value = try number(name) else { return nil }
        guard value.rounded() == value, abs(value) < 1e9 else {
            throw Invalid(message: "\(name) must be a whole number (got \(value)).")
        }
        return Int(value)
    }

    func boolean(_ name: String) throws -> Bool? {
        switch values[name] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case let other?: throw Invalid(message: "\(name) must be true or false (got \(Self.kind(other))).")
        }
    }

    /// A list of strings (an empty list is nil-equivalent to the caller: it is returned as is).
    func strings(_ name: String) throws -> [String]? {
        switch values[name] {
        case nil, .null?: return nil
        case .array(let items)?:
            return try items.enumerated().map { index, item in
                guard case .string(let text) = item else {
                    throw Invalid(message: "\(name)[\(index)] must be a string (got \(Self.kind(item))).")
                }
                return text
            }
        case let other?: throw Invalid(message: "\(name) must be a list of strings (got \(Self.kind(other))).")
        }
    }

    /// A JSON object argument.
    func object(_ name: String) throws -> JSONValue? {
        switch values[name] {
        case nil, .null?: return nil
        case let object? where object.objectValue != nil: return object
        case let other?: throw Invalid(message: "\(name) must be a JSON object (got \(Self.kind(other))).")
        }
    }

    /// Any JSON argument (a dialog's result may be a string, a number or an object), or nil when absent.
    func json(_ name: String) throws -> JSONValue? {
        guard let value = values[name], value != .null else { return nil }
        return value
    }

    private static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
