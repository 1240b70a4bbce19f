#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The v2 session object (`/v1/code/sessions`), shaped from the addendum's live capture: `status`
/// (active | archived), `worker_status`, `connection_status`, `environment_kind`, `config`,
/// `last_event_at`, `unread`, `user_message_count` (a string) and `external_metadata` with
/// `post_turn_summary` and `pending_action`. The stored resource keeps the v1 shape; this renders it.
///
/// Emulator choices (no source shows them): the inner shape of `pending_action`, the wording of
/// `post_turn_summary`, and `status_bucket`'s rule. PROTOCOL.md lists them.
extension EmulatorStore.Session {
    /// Keeps what the v2 object reports in step with the events as they are stored.
    func noteForSummary(_ event: JSON, source: String) {
        switch event["type"]?.stringValue {
        case "control_request" where source == "worker":
            if event["request"]?["subtype"]?.stringValue != "interrupt" { openPrompts.append(event) }
        case "control_response":
            let id = event["response"]?["request_id"]?.stringValue
            // An error answer to a dialog is discarded: the dialog stays open (SDK types, late-2026 §7).
            let dialog = openPrompts.contains { $0["request_id"]?.stringValue == id && $0["request"]?["subtype"]?.stringValue == "request_user_dialog" }
            if dialog && event["response"]?["subtype"]?.stringValue == "error" { break }
            openPrompts.removeAll { $0["request_id"]?.stringValue == id }
        case "control_cancel_request":
            let id = event["request_id"]?.stringValue
            openPrompts.removeAll { $0["request_id"]?.stringValue == id }
        case "result":
            openPrompts.removeAll()
            lastResult = event
            unread = true
        case "user":
            if case .string = event["message"]?["content"] { userMessageCount += 1 }
        default:
            break
        }
    }

    /// `cse_` + the suffix of the stored `session_` id.
    var infraID: String { "cse_" + id.dropFirst("session_".count) }

    /// The list item; `detailed` adds what the single-session read carries (`session_status`, `session_context`).
    func v2Object(detailed: Bool, world: EmulatorWorld) -> JSON {
        let archived = status == "archived"
        let context = resource["session_context"] ?? [:]
        let workerStatus = ["running", "idle", "requires_action"].contains(status) ? status : "idle"
        var metadata: [String: JSON] = [:]
        if let prompt = openPrompts.first {
            let request = prompt["request"] ?? [:]
            let subtype = request["subtype"]?.stringValue ?? "unknown"
            var action: [String: JSON] = [
                "type": subtype == "can_use_tool" ? "permission" : .string(subtype),
                "request_id": prompt["request_id"] ?? .null,
            ]
            if let tool = request["tool_name"] { action["tool_name"] = tool }
            if let description = request["description"] { action["description"] = description }
            let late = world == .late2026
            metadata["pending_action"] = late && pendingActionAsString && subtype == "can_use_tool" ? "permission" : .object(action)
            metadata["post_turn_summary"] = [
                "status_category": "blocked", "status_detail": .string("Waiting for the user"),
                "needs_action": .string("Answer " + (request["tool_name"]?.stringValue ?? subtype)),
            ]
        } else if let result = lastResult {
            let failed = result["is_error"]?.boolValue ?? false
            let detail = result["result"]?.stringValue ?? ""
            metadata["post_turn_summary"] = [
                "status_category": failed ? "failed" : "review_ready",
                "status_detail": .string(String(detail.prefix(120))), "needs_action": "",
            ]
        }
        if world == .late2026 {
            // The worker reports whether it takes peer messages now (CLI 2.1.259: `available` or
            // `unavailable`, never the setting itself) and its permission mode.
            metadata["cross_session_inbound"] = peerVerdict == "accept" ? "available" : "unavailable"
            metadata["permission_mode"] = .string(permissionMode)
        }
        metadata.merge(metadataOverride) { _, laid in laid }
        let bucket: String =
            if !openPrompts.isEmpty { "blocked" } else if status == "running" { "working" } else if unread {
                "review_ready"
            } else { "completed" }
        var object: [String: JSON] = [
            "id": .string(infraID),
            "title": resource["title"] ?? .null,
            "status": archived ? "archived" : "active",
            "status_bucket": .string(bucket),
            "worker_status": .string(archived ? "idle" : workerStatus),
            "connection_status": resource["connection_status"] ?? "unknown",
            "environment_id": resource["environment_id"] ?? "",
            "environment_kind": "bridge",
            "config": [
                "model": context["model"] ?? .null, "sources": context["sources"] ?? [], "outcomes": [],
                "mcp_connector_ids": [],
            ],
            "created_at": resource["created_at"] ?? .null,
            "updated_at": resource["updated_at"] ?? .null,
            "last_event_at": resource["updated_at"] ?? .null,
            "user_message_count": .string(String(userMessageCount)),
            "tags": ["remote-control-repl"],
            "unread": .bool(unread),
            "external_metadata": .object(metadata),
            "participants": [], "relations": [],
        ]
        if detailed {
            object["session_status"] = .string(status)
            object["session_context"] = context
        }
        return .object(object)
    }

    /// Where the session sits in the v2 list's order (newest `last_event_at` first, ties by id), as
    /// the opaque cursor encodes it.
    var listKey: (time: String, id: String) { (resource["updated_at"]?.stringValue ?? "", id) }
}

/// The v2 list's `next_cursor`: opaque to clients; here base64 of `<last_event_at>|<id>`.
enum ListCursor {
    static func encode(_ key: (time: String, id: String)) -> String {
        Data("\(key.time)|\(key.id)".utf8).base64EncodedString()
    }

    static func decode(_ text: String) -> (time: String, id: String)? {
        guard let data = Data(base64Encoded: text), let plain = String(data: data, encoding: .utf8),
            let bar = plain.firstIndex(of: "|")
        else { return nil }
        return (String(plain[..<bar]), String(plain[plain.index(after: bar)...]))
    }
}

extension EmulatorStore {
    func peerVerdict(_ id: String) -> String { sessions[id]?.peerVerdict ?? "accept" }

    /// A peer's message the worker did not take up: held for the person, or refused.
    func stopPeerMessage(_ id: String, text: String, verdict: String) {
        sessions[id]?.peerMessagesStopped.append((text, verdict))
    }

    public func stoppedPeerMessages(_ id: String) -> [(text: String, verdict: String)] { sessions[id]?.peerMessagesStopped ?? [] }

    public func setCrossSessionInbound(_ id: String, _ setting: String?) {
        sessions[id]?.crossSessionInbound = setting
        noteSessionChanged(id)
    }

    public func renderPendingActionAsString(_ id: String) { sessions[id]?.pendingActionAsString = true }

    public func setMetadataOverride(_ id: String, _ keys: [String: JSON]) {
        sessions[id]?.metadataOverride = keys
        noteSessionChanged(id)
    }
}
