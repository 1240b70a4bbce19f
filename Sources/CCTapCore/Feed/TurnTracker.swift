/// Follows the events of one turn as they arrive and says when it has ended.
///
/// Only a `result` ends a turn (as in the official viewer). When the wait follows a message we
/// sent, events before that message's echo belong to an earlier turn and are ignored, so a late
/// `result` of the previous turn is not mistaken for our answer.
struct TurnTracker {
    private let ownUUID: String?
    private(set) var sawOwnMessage: Bool
    private var assistantOrder: [String] = []
    private var assistantText: [String: String] = [:]
    private var pending: [PermissionRequest] = []
    private(set) var result: TurnResult?
    private var interruptSeen = false
    private(set) var eventsRead = 0

    /// `ownUUID`: the uuid of the user message this wait follows, or nil when resuming from a cursor.
    init(ownUUID: String?) {
        self.ownUUID = ownUUID
        self.sawOwnMessage = ownUUID == nil
    }

    var isFinished: Bool { result != nil }
    var pendingPermissions: [PermissionRequest] { pending }

    var reply: String {
        assistantOrder.compactMap { assistantText[$0] }.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    var status: WaitStatus? {
        if let result {
            if interruptSeen { return .interrupted }
            return result.isError ? .error : .complete
        }
        return pending.isEmpty ? nil : .waitingForPermission
    }

    mutating func consume(_ event: JSONValue) {
        eventsRead += 1
        guard result == nil else { return }
        let type = event["type"]?.stringValue
        if !sawOwnMessage {
            if type == "user", event["uuid"]?.stringValue == ownUUID { sawOwnMessage = true }
            return
        }
        switch type {
        case "assistant":
            let key = event["message"]?["id"]?.stringValue ?? "event-\(eventsRead)"
            if assistantText[key] == nil { assistantOrder.append(key) }
            assistantText[key] = TranscriptBuilder.assistantText(event)
        case "control_request":
            if let request = PermissionRequest(event: event) {
                pending.append(request)
            } else if event["request"]?["subtype"]?.stringValue == "interrupt" {
                interruptSeen = true
            }
        case "control_response":
            let id = event["response"]?["request_id"]?.stringValue
            pending.removeAll { $0.requestID == id }
        case "control_cancel_request":
            let id = event["request_id"]?.stringValue
            pending.removeAll { $0.requestID == id }
        case "user":
            if case .array(let blocks) = event["message"]?["content"] ?? .null {
                for block in blocks {
                    if block["text"]?.stringValue?.hasPrefix("[Request interrupted by user") == true { interruptSeen = true }
                    if case .array(let inner) = block["content"] ?? .null,
                        inner.contains(where: { $0["text"]?.stringValue?.hasPrefix("[Request interrupted by user") == true })
                    {
                        interruptSeen = true
                    }
                }
            } else if event["message"]?["content"]?.stringValue?.hasPrefix("[Request interrupted by user") == true {
                interruptSeen = true
            }
        case "result":
            result = TurnResult(event: event)
            pending.removeAll()
        default:
            break
        }
    }
}

/// Permission prompts among `events` (chronological) that no later event answered or withdrew.
func unansweredPermissions(in events: [JSONValue]) -> [PermissionRequest] {
    var pending: [PermissionRequest] = []
    for event in events {
        switch event["type"]?.stringValue {
        case "control_request":
            if let request = PermissionRequest(event: event) { pending.append(request) }
        case "control_response":
            let id = event["response"]?["request_id"]?.stringValue
            pending.removeAll { $0.requestID == id }
        case "control_cancel_request":
            let id = event["request_id"]?.stringValue
            pending.removeAll { $0.requestID == id }
        case "result":
            pending.removeAll()
        default:
            break
        }
    }
    return pending
}
