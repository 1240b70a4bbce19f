/// What the worker made of a control cc-tap posted, read from one of the session's events; nil when
/// the event says nothing about it. Pure: `ControlAcknowledgement` feeds it the events that follow.
package enum ControlVerdict {
    package typealias Reader = @Sendable (JSONValue) -> (ControlStatus, String?)?

    /// The worker's `control_response` to `requestID`: success or error.
    package static func response(to requestID: String) -> Reader {
        { event in
            guard event["type"]?.stringValue == "control_response",
                event["response"]?["request_id"]?.stringValue == requestID
            else { return nil }
            if event["response"]?["subtype"]?.stringValue == "error" {
                return (.refused, event["response"]?["error"]?.stringValue ?? "the worker refused it")
            }
            return (.acknowledged, nil)
        }
    }

    /// What shows a permission answer took effect: the tool's result (run or denied), a refusal of
    /// the answer, the prompt withdrawn, or the turn's end. Our own answer's echo says nothing.
    package static func permissionAnswer(requestID: String, toolUseID: String?) -> Reader {
        { event in
            switch event["type"]?.stringValue {
            case "user":
                guard let toolUseID, let blocks = event["message"]?["content"]?.arrayValue,
                    let block = blocks.first(where: { $0["type"]?.stringValue == "tool_result" && $0["tool_use_id"]?.stringValue == toolUseID })
                else { return nil }
                return (.acknowledged, block["is_error"]?.boolValue == true ? "the tool did not run (denied or failed)" : "the tool ran")
            case "control_response":
                guard event["response"]?["request_id"]?.stringValue == requestID,
                    event["response"]?["subtype"]?.stringValue == "error"
                else { return nil }
                return (.refused, event["response"]?["error"]?.stringValue ?? "the worker refused the answer")
            case "control_cancel_request":
                guard event["request_id"]?.stringValue == requestID else { return nil }
                return (.withdrawn, "the worker withdrew the prompt before the answer took effect")
            case "result":
                return (.acknowledged, "the turn ended")
            default:
                return nil
            }
        }
    }

    /// What shows an answer to a dialog or an elicitation took effect: the turn going on (the model's
    /// next output, a tool's result, another request) or ending, or the request withdrawn. The worker
    /// sends no `control_response` of its own to an answer, and our answer's echo says nothing.
    package static func inputAnswer(requestID: String) -> Reader {
        { event in
            switch event["type"]?.stringValue {
            case "assistant", "stream_event":
                return (.acknowledged, "the turn went on")
            case "user":
                let blocks = event["message"]?["content"]?.arrayValue ?? []
                return blocks.contains { $0["type"]?.stringValue == "tool_result" } ? (.acknowledged, "the turn went on") : nil
            case "control_request":
                guard event["request_id"]?.stringValue != requestID, WorkerRequest(event: event) != nil || PermissionRequest(event: event) != nil
                else { return nil }
                return (.acknowledged, "the turn went on, to another request")
            case "control_cancel_request":
                guard event["request_id"]?.stringValue == requestID else { return nil }
                return (.withdrawn, "the worker withdrew the request before the answer took effect")
            case "result":
                return (.acknowledged, "the turn ended")
            default:
                return nil
            }
        }
    }
}
