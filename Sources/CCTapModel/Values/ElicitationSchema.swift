/// The form an MCP elicitation asks for (`requested_schema`): a flat object of primitive fields, as the
/// MCP specification restricts it (string with optional enum, length and format; number or integer
/// with bounds; boolean; an array of enum choices). Pure: it words the fields and checks content
/// before anything is sent, so content the session's MCP server would reject never leaves here. A
/// string's `format` (email, uri, date, date-time) is shown, not checked: the server checks it.
public struct ElicitationSchema: Sendable {
    public let schema: JSONValue?

    public init(_ schema: JSONValue?) { self.schema = schema }

    var properties: [(name: String, field: JSONValue)] {
        (schema?["properties"]?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    var required: Set<String> { Set(schema?["required"]?.arrayValue?.compactMap(\.stringValue) ?? []) }

    /// One line a field: its name, type, whether it is required, its choices and bounds.
    public func fieldLines() -> [String] {
        properties.map { name, field in
            var line = "  - \(name) (\(field["type"]?.stringValue ?? "any")\(required.contains(name) ? ", required" : ""))"
            if let title = field["title"]?.stringValue ?? field["description"]?.stringValue { line += ": " + title }
            let choices = Self.choices(field).map { $0.stringValue ?? $0.jsonText() }
            if !choices.isEmpty { line += "; one of " + choices.joined(separator: ", ") }
            if let minimum = field["minimum"]?.doubleValue { line += "; at least \(Self.number(minimum))" }
            if let maximum = field["maximum"]?.doubleValue { line += "; at most \(Self.number(maximum))" }
            if let format = field["format"]?.stringValue { line += "; format \(format)" }
            return line
        }
    }

    /// What is wrong with `content` as an answer to this form; empty when it fits.
    public func problems(in content: JSONValue) -> [String] {
        guard let given = content.objectValue else { return ["content must be a JSON object of the form's fields."] }
        var found: [String] = []
        let known = Dictionary(uniqueKeysWithValues: properties.map { ($0.name, $0.field) })
        for name in required.sorted() where given[name] == nil || given[name] == .null {
            found.append("\(name) is required.")
        }
        for (name, value) in given.sorted(by: { $0.key < $1.key }) {
            guard let field = known[name] else {
                if schema != nil { found.append("\(name) is not a field of the form (fields: \(known.keys.sorted().joined(separator: ", ")))."); }
                continue
            }
            if let problem = Self.problem(name, value, field) { found.append(problem) }
        }
        return found
    }

    /// The values a field allows: `enum`, or the titled choices of the 2025-11-25 revision (`oneOf` or
    /// `anyOf` of `{const, title}`), for the field or an array field's items.
    static func choices(_ field: JSONValue) -> [JSONValue] {
        for holder in [field, field["items"] ?? .null] {
            if let values = holder["enum"]?.arrayValue { return values }
            if let options = (holder["oneOf"] ?? holder["anyOf"])?.arrayValue {
                let constants = options.compactMap { $0["const"] }
                if !constants.isEmpty { return constants }
            }
        }
        return []
    }

    private static func problem(_ name: String, _ value: JSONValue, _ field: JSONValue) -> String? {
        let allowed = choices(field)
        let choices: [JSONValue]? = allowed.isEmpty ? nil : allowed
        switch field["type"]?.stringValue {
        case "string":
            guard let text = value.stringValue else { return "\(name) must be a string." }
            if let choices, !choices.contains(value) {
                return "\(name) must be one of \(choices.compactMap(\.stringValue).joined(separator: ", "))."
            }
            // JSON Schema counts code points, not the grapheme clusters of `String.count`.
            let length = text.unicodeScalars.count
            if let least = field["minLength"]?.intValue, length < least { return "\(name) needs at least \(least) characters." }
            if let most = field["maxLength"]?.intValue, length > most { return "\(name) takes at most \(most) characters." }
            return nil
        case "number", "integer":
            guard let number = value.doubleValue else { return "\(name) must be a number." }
            if field["type"]?.stringValue == "integer", number.rounded() != number { return "\(name) must be a whole number." }
            if let least = field["minimum"]?.doubleValue, number < least { return "\(name) must be at least \(Self.number(least))." }
            if let most = field["maximum"]?.doubleValue, number > most { return "\(name) must be at most \(Self.number(most))." }
            return nil
        case "boolean":
            return value.boolValue == nil ? "\(name) must be true or false." : nil
        case "array":
            guard let items = value.arrayValue else { return "\(name) must be an array." }
            if let allowed = choices, let wrong = items.first(where: { !allowed.contains($0) }) {
                return "\(name) holds \(wrong.jsonText()), not one of \(allowed.compactMap(\.stringValue).joined(separator: ", "))."
            }
            if let least = field["minItems"]?.intValue, items.count < least { return "\(name) needs at least \(least) choice(s)." }
            if let most = field["maxItems"]?.intValue, items.count > most { return "\(name) takes at most \(most) choice(s)." }
            return nil
        default:
            return nil  // a type the specification does not allow here: the server decides
        }
    }

    static func number(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
