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
            // A prompt seen before (a look at the session, then the events after it) is one prompt.
            if let request = PermissionRequest(event: event) {
                if !permissions.contains(where: { $0.requestID == request.requestID }) { permissions.append(request) }
            } else if let request = WorkerRequest(event: event) {
                if !inputs.contains(where: { $0.requestID == request.requestID }) { inputs.append(request) }
            }
        case "control_response":
            let id = event["response"]?["request_id"]?.stringValue
            // An error answer to a dialog is discarded by the worker, and the dialog stays open (SDK types).
            if event["response"]?["subtype"]?.stringValue == "error", inputs.contains(where: { $0.requestID == id && $0.kind == .dialog }) {
                break
            }
            close(id)
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
