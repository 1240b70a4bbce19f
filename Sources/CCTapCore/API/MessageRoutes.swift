import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The messages-and-controls family: what cc-tap writes into a session's event list (a user message,
/// a permission answer, a controller's control request) and the presence heartbeat. Every body the
/// client writes is built here, so a change in what the worker takes is a change in this file.
/// Posts are never retried here: the caller decides (see MessageDelivery).
extension RemoteAPI {
    /// The `anthropic-client-platform` a message goes out with. The service copies it into the stored
    /// message as `client_platform`; the worker takes `web_claude_ai` (the web app, the nearest of the
    /// apps' values to a third-party controller speaking the web's API) as a person typing, and our own
    /// `claude_code_remote` as another session (PROTOCOL.md §16).
    static func clientPlatform(for sender: MessageSender) -> String {
        switch sender {
        case .agent: HTTPTransport.clientPlatform
        case .person: personPlatform
        }
    }

    static let personPlatform = "web_claude_ai"

    /// A user message as the SDK stream carries it, with the `uuid` that confirms its storing.
    static func userMessage(text: String, uuid: String, session: SessionID, _ dialect: Dialect) -> JSONValue {
        [
            "type": "user",
            "uuid": .string(uuid),
            "session_id": .string(session.spelled(dialect)),
            "parent_tool_use_id": nil,
            "message": ["role": "user", "content": .string(text)],
        ]
    }

    /// Posts one user message from `sender`; returns the answer's body (nil when it is not JSON).
    func postUserMessage(
        _ id: SessionID, _ dialect: Dialect, text: String, uuid: String, sender: MessageSender, timeout: TimeInterval?
    ) async throws -> JSONValue? {
        try await postEvents(
            id, dialect, [Self.userMessage(text: text, uuid: uuid, session: id, dialect)], timeout: timeout,
            platform: Self.clientPlatform(for: sender))
    }

    /// The answer to a `can_use_tool` prompt: a `control_response` naming the prompt's `request_id`, with
    /// its `tool_use_id` beside it (G2, validated against live prompts) and inside it (the SDK's
    /// `toolUseID`). A deny always carries a message: the worker shows it to the model.
    /// An "always allow" sends the prompt's own `permission_suggestions` back as `updatedPermissions`
    /// (SDK types: the allow result's `updatedPermissions`), so the worker stops asking for that rule.
    static func permissionAnswer(
        requestID: String, toolUseID: String?, decision: PermissionDecision, input: JSONValue, message: String?,
        keepAllowing suggestions: [JSONValue] = []
    ) -> JSONValue {
        var inner: [String: JSONValue]
        switch decision {
        case .allow:
            inner = ["behavior": "allow", "updatedInput": input]
            if !suggestions.isEmpty { inner["updatedPermissions"] = .array(suggestions) }
        case .deny:
            let said = message?.trimmed ?? ""
            inner = ["behavior": "deny", "message": .string(said.isEmpty ? "Denied by user" : said)]
        }
        var response: [String: JSONValue] = ["subtype": "success", "request_id": .string(requestID)]
        if let toolUseID {
            inner["toolUseID"] = .string(toolUseID)
            response["tool_use_id"] = .string(toolUseID)
        }
        response["response"] = .object(inner)
        return ["type": "control_response", "response": .object(response)]
    }

    /// The answer to a dialog or an elicitation: a success `control_response` naming its `request_id`
    /// (SDK types). A dialog takes `{behavior: "completed", result}` or `{behavior: "cancelled"}`; an
    /// elicitation `{action: accept|decline|cancel, content?}`. Never an error response: the worker
    /// discards one and the dialog stays open.
    static func inputAnswer(requestID: String, kind: InputKind, action: InputAction, value: JSONValue?) -> JSONValue {
        var inner: [String: JSONValue]
        switch (kind, action) {
        case (.dialog, .complete): inner = ["behavior": "completed", "result": value ?? .null]
        case (.dialog, _): inner = ["behavior": "cancelled"]
        case (_, .accept):
            inner = ["action": "accept"]
            if let value { inner["content"] = value }
        default: inner = ["action": .string(action.rawValue)]
        }
        return [
            "type": "control_response",
            "response": ["subtype": "success", "request_id": .string(requestID), "response": .object(inner)],
        ]
    }

    /// Posts an answer to a worker's request (built by `permissionAnswer` or `inputAnswer`).
    func postAnswer(_ id: SessionID, _ dialect: Dialect, _ answer: JSONValue) async throws {
        _ = try await postEvents(id, dialect, [answer])
    }

    /// A controller's `control_request` (`interrupt`, `set_permission_mode`, `set_model`, …).
    static func controlRequest(requestID: String, subtype: String, fields: [String: JSONValue]) -> JSONValue {
        var request = fields
        request["subtype"] = .string(subtype)
        return ["type": "control_request", "request_id": .string(requestID), "request": .object(request)]
    }

    /// Posts a controller's `control_request`.
    func postControlRequest(
        _ id: SessionID, _ dialect: Dialect, requestID: String, subtype: String, fields: [String: JSONValue]
    ) async throws {
        _ = try await postEvents(id, dialect, [Self.controlRequest(requestID: requestID, subtype: subtype, fields: fields)])
    }

    /// Posts events in `dialect`:
    /// - v2: `POST /v1/code/sessions/{cse_X}/events` with `{session_id, events:[{payload}]}`;
    /// - v1: `POST /v1/sessions/{session_X}/events` with `{events:[...]}`.
    /// `platform` replaces the usual `anthropic-client-platform` (a message's sender). Returns the
    /// answer's body, or nil when it is not JSON (the 2xx stands; what it says is unknown).
    private func postEvents(
        _ id: SessionID, _ dialect: Dialect, _ events: [JSONValue], timeout: TimeInterval? = nil, platform: String? = nil
    ) async throws -> JSONValue? {
        let path = Route.events(id, dialect)
        let body: JSONValue =
            switch dialect {
            case .v2:
                // Each payload carries a `uuid`, as the CLI and RC-API add one when it lacks it.
                [
                    "session_id": .string(id.spelled(.v2)),
                    "events": .array(events.map { event in
                        var payload = event
                        if payload["uuid"] == nil { payload["uuid"] = .string(UUID().uuidString.lowercased()) }
                        return ["payload": payload]
                    }),
                ]
            case .v1: ["events": .array(events)]
            }
        let response = try await call(
            .POST, path, dialect, body: body, retry: .never, timeout: timeout,
            headerOverrides: platform.map { [(Header.clientPlatform, $0)] } ?? [])
        return try? response.json(route: "POST \(path)")
    }

    /// `POST /v1/code/sessions/{cse_X}/client/presence`: `{client_id, connected_at}` announces a
    /// person watching, `{client_id, clear: true}` withdraws it. Returns `refresh_after_seconds`
    /// (default 20).
    func presence(_ id: SessionID, clear: Bool) async throws -> TimeInterval {
        var body: [String: JSONValue] = ["client_id": .string(configuration.clientID)]
        if clear {
            body["clear"] = true
        } else {
            body["connected_at"] = .string(Date().formatted(.iso8601))
        }
        let path = Route.presence(id)
        // Presence is advisory: a slow answer must not hold a finished wait up for long.
        let response = try await call(.POST, path, .v2, body: .object(body), retry: .never, timeout: min(5, configuration.requestTimeout))
        return try response.json(route: "POST \(path)")["refresh_after_seconds"]?.doubleValue ?? 20
    }
}
