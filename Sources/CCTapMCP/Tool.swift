import CCTapCore

/// A tool as `tools/list` declares it: the same fields, in the same JSON, as the MCP schema's `Tool`.
/// Ours rather than swift-sdk's, so the layer carries nothing of the SDK (issue 25); the per-tool
/// snapshots show the declarations did not change on the wire.
public struct Tool: Encodable, Sendable {
    public var name: String
    public var title: String?
    public var description: String?
    public var inputSchema: JSONValue
    public var outputSchema: JSONValue?
    public var annotations: Annotations

    public struct Annotations: Encodable, Sendable, Equatable {
        public var title: String?
        public var readOnlyHint: Bool?
        public var destructiveHint: Bool?
        public var idempotentHint: Bool?
        public var openWorldHint: Bool?

        public init(
            title: String? = nil, readOnlyHint: Bool? = nil, destructiveHint: Bool? = nil, idempotentHint: Bool? = nil,
            openWorldHint: Bool? = nil
        ) {
            self.title = title
            self.readOnlyHint = readOnlyHint
            self.destructiveHint = destructiveHint
            self.idempotentHint = idempotentHint
            self.openWorldHint = openWorldHint
        }

        var isEmpty: Bool { self == Annotations() }
    }

    public init(
        name: String, title: String? = nil, description: String?, inputSchema: JSONValue, annotations: Annotations = .init(),
        outputSchema: JSONValue? = nil
    ) {
        self.name = name
        self.title = title
        self.description = description
        self.inputSchema = inputSchema
        self.annotations = annotations
        self.outputSchema = outputSchema
    }

    enum CodingKeys: String, CodingKey {
        case name, title, description, inputSchema, outputSchema, annotations
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encodeIfPresent(title, forKey: .title)
        try container.encode(description, forKey: .description)
        try container.encode(inputSchema, forKey: .inputSchema)
        try container.encodeIfPresent(outputSchema, forKey: .outputSchema)
        if !annotations.isEmpty { try container.encode(annotations, forKey: .annotations) }
    }
}
