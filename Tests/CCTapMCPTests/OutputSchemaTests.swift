import Foundation
import Testing

@testable import CCTapCore
@testable import CCTapModel
@testable import CCTapMCP

/// Every result type against the output schema its tools declare: a fully populated instance (no
/// optional left empty, no list left empty, checked by reflection) is encoded as the surfaces encode
/// it and must use exactly the declared keys, with the declared types, and every required one.
/// A field added to a type but not to its schema, or the reverse, fails here, not only end to end.
@Suite struct OutputSchemaTests {
    static let summary = SessionSummary([
        "id": "cse_01HSchemaSession0001", "title": "Schema", "status": "active", "worker_status": "requires_action",
        "connection_status": "connected", "environment_id": "env_01", "environment_kind": "bridge",
        "created_at": "2026-11-29T00:00:00Z", "updated_at": "2026-11-29T00:01:00Z", "last_event_at": "2026-11-29T00:01:00Z",
        "unread": true, "session_context": ["cwd": "/work"], "config": ["model": "claude"],
        "external_metadata": [
            "post_turn_summary": ["status_category": "blocked"], "pending_action": ["type": "permission"],
            "cross_session_inbound": "unavailable",
        ],
    ])
    static let prompt = PermissionRequest(event: [
        "type": "control_request", "request_id": "req-1", "created_at": "2026-11-29T00:00:00Z",
        "request": [
            "subtype": "can_use_tool", "tool_name": "AskUserQuestion", "tool_use_id": "toolu_1", "title": "Ask",
            "description": "A question", "input": ["questions": [["question": "Which?", "options": [["label": "A"]]]]],
            "permission_suggestions": [["type": "addRules", "rules": [["toolName": "Bash"]], "behavior": "allow", "destination": "session"]],
        ],
    ])!
    /// A request is a dialog or a form, never both: the form's fields are read, the dialog's set by
    /// hand, so every field of the type is checked against the schema.
    static let input = { () -> WorkerRequest in
        var input = WorkerRequest(event: [
            "type": "control_request", "request_id": "req-2", "created_at": "2026-11-29T00:00:00Z",
            "request": [
                "subtype": "elicitation", "mcp_server_name": "deploy", "message": "Where?", "mode": "url", "url": "https://x",
                "requested_schema": ["type": "object", "properties": ["env": ["type": "string"]]],
            ],
        ])!
        input.dialogKind = "confirm"
        input.payload = ["title": "Continue?"]
        input.toolUseID = "toolu_2"
        return input
    }()
    static let turn = TurnResult(event: [
        "type": "result", "subtype": "success", "is_error": false, "result": "done", "duration_ms": 1, "num_turns": 1,
        "total_cost_usd": 0, "stop_reason": "end_turn",
    ])
    static let entry = TranscriptEntry(
        kind: .toolResult, text: "ok", toolName: "Bash", toolUseID: "toolu_1", isError: false, createdAt: "2026-11-29T00:00:00Z",
        sender: .peer, clientPlatform: "claude_code_remote")

    /// Each result type with the schema its tools declare.
    static let cases: [(name: String, value: any Encodable & Sendable, schema: JSONValue)] = [
        ("SessionList", SessionList(sessions: [summary], count: 1, statusFilter: "active", pagesRead: 1, complete: false, note: "partial"),
         Schema.sessionList),
        ("SessionInfo", SessionInfo(session: summary, context: ["cwd": "/work"], pendingPermissions: [prompt], pendingInputs: [input]),
         Schema.sessionInfo),
        ("Transcript", Transcript(sessionID: "cse_1", entries: [entry], hasOlder: true, eventsRead: 3), Schema.transcript),
        ("EventList", EventList(sessionID: "cse_1", events: [["type": "user"]], count: 1, eventTypes: ["user"], hasOlder: false, eventsRead: 1),
         Schema.eventList),
        ("SendResult", { () -> SendResult in
            var sent = SendResult(sessionID: "cse_1", uuid: "u", cursor: "seq:1", attempts: 1, confirmedFromEvents: false)
            sent.clientPlatform = "claude_code_remote"
            sent.peerMessages = summary.peerMessages
            sent.held = true
            sent.next = .waitForReply(cursor: "seq:1")  // not encoded; worded into the hint
            return sent
        }(),
         Schema.sendResult),
        ("WaitResult", { () -> WaitResult in
            var result = WaitResult(
                status: .waitingForInput, sessionID: "cse_1", messageUUID: "u", reply: "r", pendingPermissions: [prompt],
                pendingInputs: [input], result: turn, cursor: "seq:2", elapsedSeconds: 1, eventsRead: 2, eventSource: .stream,
                hint: "h", next: .personAnswers(cursor: "seq:2"))
            result.turn = .queued
            result.sender = .agent
            result.peerMessages = summary.peerMessages
            result.likelySuccessor = "cse_01HSchemaSession0002"
            return result
        }(),
         Schema.waitResult),
        ("PermissionResponseResult", PermissionResponseResult(
            sessionID: "cse_1", requestID: "req-1", decision: .allow, always: true, toolName: "Bash", status: .acknowledged,
            detail: "the tool ran", sent: ["type": "control_response"], note: "n", next: .followTurn),
         Schema.permissionResponse),
        ("InputResponseResult", InputResponseResult(
            sessionID: "cse_1", requestID: "req-2", subtype: "elicitation", action: .accept, status: .acknowledged,
            detail: "the turn went on", sent: ["type": "control_response"], note: "n", next: .followTurn),
         Schema.inputResponse),
        ("PruneResult", PruneResult(
            dryRun: false, olderThanDays: 30, offlineOnly: true,
            sessions: [PrunedSession(
                id: "cse_1", title: "t", lastActivity: "2026-10-01T00:00:00Z", connectionStatus: "disconnected", outcome: "failed",
                detail: "HTTP 500")],
            kept: ["running": 1], complete: true, note: "n"),
         Schema.pruneResult),
        ("InterruptResult", InterruptResult(sessionID: "cse_1", requestID: "interrupt-1", status: .refused, detail: "no"),
         Schema.interruptResult),
        ("AttentionResult", AttentionResult(
            status: .attention,
            items: [AttentionItem(
                session: summary, reason: .permission, pendingPermissions: [prompt], pendingInputs: [input], reply: "r",
                cursor: "seq:3")],
            resumeToken: "att1.00", sessionsWatched: 3, source: "watch", elapsedSeconds: 0.2, hint: "h", next: .attendThenWatch(resumeToken: "att1.00")),
         Schema.attentionResult),
        ("SteeringResult", SteeringResult(
            sessionID: "cse_1", action: .permissionMode, value: "plan", status: .refused, detail: "no", requestID: "set-1",
            note: "n"),
         Schema.steeringResult),
    ]

    @Test(arguments: 0..<cases.count)
    func resultMatchesItsSchema(index: Int) throws {
        let (name, value, schema) = Self.cases[index]
        Self.requireFullyPopulated(value, at: name)
        let json = try #require(JSONValue.parse(Data(ResultJSON.encode(value).utf8)))
        let declared = try #require(JSONValue.parse(try JSONEncoder().encode(schema)))
        for problem in Self.problems(json, against: declared, at: name) { Issue.record(Comment(rawValue: problem)) }
    }

    /// Fails on any optional left nil or collection left empty, inside result types (JSON values are leaves).
    static func requireFullyPopulated(_ value: Any, at path: String) {
        if value is JSONValue || value is String || value is any Numeric || value is Bool { return }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first?.value else {
                Issue.record("\(path) is nil: give every optional a value so its schema entry is checked")
                return
            }
            requireFullyPopulated(wrapped, at: path)
        case .collection:
            guard let first = mirror.children.first?.value else {
                Issue.record("\(path) is empty: give every list an element so its item schema is checked")
                return
            }
            requireFullyPopulated(first, at: path + "[0]")
        case .struct:
            for child in mirror.children { requireFullyPopulated(child.value, at: path + "." + (child.label ?? "?")) }
        default:
            return
        }
    }

    /// What in `value` disagrees with the JSON Schema `schema` (the subset our schemas use).
    static func problems(_ value: JSONValue, against schema: JSONValue, at path: String) -> [String] {
        guard let type = schema["type"]?.stringValue else { return [] }  // `any`: a value passed through
        var found: [String] = []
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
            found.append("\(path): \(value.jsonText()) is not one of \(JSONValue.array(allowed).jsonText())")
        }
        switch (type, value) {
        case ("object", .object(let object)) where schema["additionalProperties"]?.objectValue != nil:
            // A map: every value against the one schema.
            for (key, item) in object { found += problems(item, against: schema["additionalProperties"]!, at: "\(path).\(key)") }
        case ("object", .object(let object)):
            let properties = schema["properties"]?.objectValue ?? [:]
            for key in object.keys.sorted() where properties[key] == nil {
                found.append("\(path).\(key) is encoded but not declared")
            }
            for key in properties.keys.sorted() where object[key] == nil {
                found.append("\(path).\(key) is declared but a fully populated value does not encode it")
            }
            for required in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[required] == nil {
                found.append("\(path).\(required) is required but missing")
            }
            for (key, item) in object {
                if let property = properties[key] { found += problems(item, against: property, at: "\(path).\(key)") }
            }
        case ("array", .array(let items)):
            for (index, item) in items.enumerated() {
                found += problems(item, against: schema["items"] ?? [:], at: "\(path)[\(index)]")
            }
        case ("string", .string), ("boolean", .bool), ("integer", .int), ("number", .int), ("number", .double):
            break
        default:
            found.append("\(path): \(value.jsonText().prefix(60)) is not a \(type)")
        }
        return found
    }
}
