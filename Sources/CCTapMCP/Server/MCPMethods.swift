import CCTapCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging
import Synchronization

/// The server's methods as data: what each answers, in each era. Everything a method needs of the
/// connection (notifications, requests to the client, subscriptions) goes through `MCPConnection`.
struct MCPMethods: Sendable {
    let tap: Tap
    let logger: Logger
    let resources: SessionResources
    /// Whether `initialize` declares the Claude Code channel capability.
    let channel: Bool

    static let instructions = """
        cc-tap sees into and talks to the user's running Claude Code sessions (Remote Control and web). \
        Start with list_sessions; read a conversation with read_session; talk with send_and_wait (or \
        send_message, then wait_for_reply). When a result says waiting_for_permission, show the user the \
        tool and its input before answering with respond_to_permission. On timeout, continue with \
        wait_for_reply and the cursor instead of sending the message again. To supervise several sessions, \
        call wait_for_attention again and again, each time with the previous result's resume_token; change a \
        session's permission mode or model only when the user asks.
        """

    static let serverInfo: JSONValue = ["name": "cc-tap", "title": "cc-tap: Claude Code sessions", "version": .string(CCTap.version)]

    var capabilities: JSONValue {
        var capabilities: [String: JSONValue] = [
            "tools": ["listChanged": false], "resources": ["subscribe": true, "listChanged": true],
        ]
        if channel { capabilities["experimental"] = ChannelCapability.experimental }
        return .object(capabilities)
    }

    /// How long a client may keep each list or read (2026-07-28 caching), and for whom: the tools never
    /// change while the server runs; what the account holds changes at any time and is the user's own.
    static let caching: [String: (ttlMs: Int64, scope: String)] = [
        "server/discover": (3_600_000, "public"), "tools/list": (3_600_000, "public"),
        "resources/templates/list": (3_600_000, "public"), "resources/list": (0, "private"), "resources/read": (0, "private"),
    ]

    func handle(_ method: String, params: JSONValue?, id: JSONValue, connection: MCPConnection) async throws(RPCError)
        -> JSONValue
    {
        let era = method == "initialize" ? .legacy : MCPEra.of(params)
        if era == .modern { try MCPEra.checkModern(params) }
        var result: JSONValue
        switch (method, era) {
        case ("initialize", _):
            let requested = params?["protocolVersion"]?.stringValue ?? ""
            await connection.initialized(capabilities: params?["capabilities"])
            result = [
                "protocolVersion": .string(MCPEra.legacyVersions.contains(requested) ? requested : MCPEra.legacyVersions[0]),
                "capabilities": capabilities, "serverInfo": Self.serverInfo, "instructions": .string(Self.instructions),
            ]
        case ("server/discover", _):
            result = [
                "supportedVersions": .array(([MCPEra.modernVersion] + MCPEra.legacyVersions).map { .string($0) }),
                "capabilities": capabilities, "instructions": .string(Self.instructions),
            ]
        case ("ping", .legacy), ("logging/setLevel", .legacy):
            result = [:]
        case ("tools/list", _):
            result = ["tools": ToolRegistry.toolsJSON]
        case ("tools/call", _):
            result = try await callTool(params, era: era, connection: connection).json
        case ("resources/list", _):
            result = ["resources": try await resources.list()]
        case ("resources/templates/list", _):
            result = ["resourceTemplates": SessionResources.templates]
        case ("resources/read", _):
            do {
                result = try await resources.read(params?["uri"]?.stringValue ?? "")
            } catch where era == .modern && error.code == -32002 {
                throw RPCError(code: -32602, message: error.message, data: error.data)  // the 2026 code for "not found"
            }
        case ("resources/subscribe", .legacy):
            try await connection.subscribeLegacy(params?["uri"]?.stringValue ?? "")
            result = [:]
        case ("resources/unsubscribe", .legacy):
            await connection.unsubscribeLegacy(params?["uri"]?.stringValue ?? "")
            result = [:]
        case ("subscriptions/listen", .modern):
            let wanted = params?["notifications"]
            result = try await connection.listen(
                id: id, uris: wanted?["resourceSubscriptions"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                listChanged: wanted?["resourcesListChanged"]?.boolValue ?? false)
        default:
            throw .methodNotFound(method, era: era)
        }
        return era == .modern ? Self.modern(result, method: method) : result
    }

    /// A result as 2026-07-28 wants it: `resultType`, the server's identity in `_meta`, and caching
    /// hints on lists and reads.
    static func modern(_ result: JSONValue, method: String) -> JSONValue {
        guard case .object(var fields) = result else { return result }
        fields["resultType"] = "complete"
        var meta = fields["_meta"]?.objectValue ?? [:]
        meta[MCPEra.serverInfoKey] = serverInfo
        fields["_meta"] = .object(meta)
        if let caching = caching[method] {
            fields["ttlMs"] = .int(caching.ttlMs)
            fields["cacheScope"] = .string(caching.scope)
        }
        return .object(fields)
    }

    private func callTool(_ params: JSONValue?, era: MCPEra, connection: MCPConnection) async throws(RPCError) -> ToolResult {
        let name = params?["name"]?.stringValue ?? ""
        let sink = params?["_meta"]?["progressToken"].map { token in
            ProgressSink { progress, message in
                await connection.notify(
                    "notifications/progress",
                    ["progressToken": token, "progress": .double(progress), "message": .string(message)])
            }
        }
        // Forms go to the client only on the legacy path (2026-07-28 has no server-to-client requests)
        // and only when it declared it shows them.
        let showsForms = await connection.elicitsForms
        let asker: InputAsker? =
            era == .legacy && showsForms
            ? InputAsker { message, schema in
                let answer = try await connection.ask(
                    "elicitation/create", ["mode": "form", "message": .string(message), "requestedSchema": schema])
                guard let read = InputAsker.Answer(answer) else { throw RPCError.invalidParams("the client's form answer has no action") }
                return read
            } : nil
        return try await ToolRegistry.call(name: name, arguments: params?["arguments"], tap: tap, progress: sink, asker: asker, logger: logger)
    }
}
