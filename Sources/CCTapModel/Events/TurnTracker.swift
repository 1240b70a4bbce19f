/// Follows the events of one turn as they arrive and says when it has ended.
///
/// Only a `result` ends a turn (as in the official viewer). When the wait follows a message we
/// sent, events before that message's echo belong to an earlier turn and are ignored, so a late
/// `result` of the previous turn is not mistaken for our answer.
package struct TurnTracker {
    private let ownUUID: String?
    package private(set) var sawOwnMessage: Bool
    private var assistantOrder: [String] = []
    private var assistantText: [String: String] = [:]
    private var pending = OpenPrompts()
    package private(set) var result: TurnResult?
    private var interruptSeen = false
    package private(set) var eventsRead = 0

    /// `ownUUID`: the uuid of the user message this wait follows, or nil when resuming from a cursor.
    package init(ownUUID: String?) {
        self.ownUUID = ownUUID
        self.sawOwnMessage = ownUUID == nil
    }

    package var pendingPermissions: [PermissionRequest] { pending.permissions }
    package var pendingInputs: [WorkerRequest] { pending.inputs }

    package var reply: String {
        assistantOrder.compactMap { assistantText[$0] }.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    package var status: WaitStatus? {
        if let result {
            if interruptSeen { return .interrupted }
            return result.isError ? .error : .complete
        }
        if !pending.permissions.isEmpty { return .waitingForPermission }
        return pending.inputs.isEmpty ? nil : .waitingForInput
    }

    package mutating func consume(_ event: JSONValue) {
        eventsRead += 1
        guard result == nil else { return }
        let type = event["type"]?.stringValue
        if !sawOwnMessage {
            if type == "user", event["uuid"]?.stringValue == ownUUID { sawOwnMessage = true }
            return
        }
        pending.consume(event)
        switch type {
        case "assistant":
            let key = event["message"]?["id"]?.stringValue ?? "event-\(eventsRead)"
            if assistantText[key] == nil { assistantOrder.append(key) }
            assistantText[key] = TranscriptBuilder.assistantText(event)
        case "control_request":
            if event["request"]?["subtype"]?.stringValue == "interrupt" { interruptSeen = true }
        case "user":
            if Self.isInterruptNotice(event) { interruptSeen = true }
        case "result":
            result = TurnResult(event: event)
        default:
            break
        }
    }

    /// The synthetic "[Request interrupted by user…]" message a worker writes when a turn is stopped.
    private static func isInterruptNotice(_ event: JSONValue) -> Bool {
        let marker = "[Request interrupted by user"
        switch event["message"]?["content"] {
        case .string(let text)?:
            return text.hasPrefix(marker)
        case .array(let blocks)?:
            return blocks.contains { block in
                block["text"]?.stringValue?.hasPrefix(marker) == true
                    || (block["content"]?.arrayValue ?? []).contains { $0["text"]?.stringValue?.hasPrefix(marker) == true }
            }
        default:
            return false
        }
    }
}

/// The prompts still open in a run of events: a worker `control_request` (a `can_use_tool`
/// permission prompt, or another blocking request) stays open until a `control_response` or
/// `control_cancel_request` names its `request_id`, or the turn ends.
package struct OpenPrompts {
    package private(set) var permissions: [PermissionRequest] = []
    package private(set) var inputs: [WorkerRequest] = []

    package var isEmpty: Bool { permissions.isEmpty && inputs.isEmpty }

    package mutating func consume(_ event: JSONValue) {
        switch event["type"]?.stringValue {
        case "control_request":
            if let request = PermissionRequest(event: event) {
                permissions.append(request)
            } else if let request = WorkerRequest(event: event) {
                inputs.append(request)
            }
        case "control_response":
            close(event["response"]?["request_id"]?.stringValue)
        case "control_cancel_request":
            close(event["request_id"]?.stringValue)
        case "result":
            permissions.removeAll()
            inputs.removeAll()
        default:
            break
        }
    }

    private mutating func close(_ id: String?) {
        permissions.removeAll { $0.requestID == id }
        inputs.removeAll { $0.requestID == id }
    }
}

/// The prompts among `events` (chronological) that no later event answered or withdrew.
package func openPrompts(in events: [JSONValue]) -> OpenPrompts {
    var prompts = OpenPrompts()
    for event in events { prompts.consume(event) }
    return prompts
}
