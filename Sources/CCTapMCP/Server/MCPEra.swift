import CCTapCore

/// Which revision of MCP a message speaks. Decided per message, never per connection: Claude Code
/// 2.1.280 sends `initialize` even after a successful `server/discover` (anthropics/claude-code #96183),
/// so a connection may speak both.
enum MCPEra: Sendable, Equatable {
    /// 2025-11-25 and earlier: a handshake, then requests without per-request `_meta`.
    case legacy
    /// 2026-07-28: every request carries its version and the client's capabilities in `_meta`.
    case modern

    static let modernVersion = "2026-07-28"
    static let legacyVersions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]
    static let versionKey = "io.modelcontextprotocol/protocolVersion"
    static let capabilitiesKey = "io.modelcontextprotocol/clientCapabilities"
    static let serverInfoKey = "io.modelcontextprotocol/serverInfo"
    static let subscriptionKey = "io.modelcontextprotocol/subscriptionId"
    static let logLevelKey = "io.modelcontextprotocol/logLevel"

    /// The era of a request, from its `params._meta`.
    static func of(_ params: JSONValue?) -> MCPEra {
        params?["_meta"]?[versionKey] == nil ? .legacy : .modern
    }

    /// A modern request's `_meta` as the revision requires it: its version supported, its client
    /// capabilities present.
    static func checkModern(_ params: JSONValue?) throws(RPCError) {
        let meta = params?["_meta"]
        guard let version = meta?[versionKey]?.stringValue else {
            throw .invalidParams("_meta[\"\(versionKey)\"] must be a string.")
        }
        guard version == modernVersion else {
            throw RPCError(
                code: -32022, message: "Unsupported protocol version: \(version.prefix(40)).",
                data: ["supported": .array(([modernVersion] + legacyVersions).map { .string($0) }), "requested": .string(version)])
        }
        guard meta?[capabilitiesKey]?.objectValue != nil else {
            throw .invalidParams("_meta[\"\(capabilitiesKey)\"] is required (an object).")
        }
    }
}
