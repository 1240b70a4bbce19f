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

    /// What shows an answer to a dialog or an elicitation took effect: the main thread's model going
    /// on (its next output: it cannot go on while a tool of its call waits on the dialog), the result of
    /// the tool that asked (the dialog's `tool_use_id`), or the turn's end; or the request withdrawn.
    /// A subagent's events (`parent_tool_use_id` set) and other tools' results may come while the
    /// dialog is still open, so they say nothing; nor does our answer's echo (the worker sends no
    /// `control_response` of its own to an answer).
    package static func inputAnswer(requestID: String, toolUseID: String?) -> Reader {
        { event in
            if let parent = event["parent_tool_use_id"], parent != .null { return nil }
            switch event["type"]?.stringValue {
            case "assistant", "stream_event":
                return (.acknowledged, "the turn went on")
            case "user":
                guard let toolUseID, let blocks = event["message"]?["content"]?.arrayValue,
                    blocks.contains(where: { $0["type"]?.stringValue == "tool_result" && $0["tool_use_id"]?.stringValue == toolUseID })
                else { return nil }
                return (.acknowledged, "the tool that asked finished")
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
