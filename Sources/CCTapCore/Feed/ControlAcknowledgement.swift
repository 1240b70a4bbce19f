import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Follows a session's new events for a short, bounded time after a control was posted, until one
/// of them says what the worker made of it.
struct ControlAcknowledgement {
    let api: RemoteAPI
    let session: SessionID

    /// Watches from `cursor` (taken before the post) for at most `seconds`; `verdict` reads each event.
    func watch(
        from cursor: EventCursor, seconds: TimeInterval, _ verdict: (JSONValue) -> (ControlStatus, String?)?
    ) async -> (ControlStatus, String?) {
        guard seconds > 0 else { return (.queued, nil) }
        let feed = LiveFeed(api: api, session: session, cursor: cursor, pollInterval: min(0.25, api.configuration.pollInterval))
        feed.start(tickInterval: min(0.2, seconds))
        defer { feed.stop() }
        let deadline = Date().addingTimeInterval(seconds)
        for await item in feed.items {
            if case .events(let events, _) = item {
                for event in events {
                    if let found = verdict(event) { return found }
                }
            }
            if case .failed = item { break }  // the answer stands as queued; reading failed, not the control
            if Date() >= deadline { break }
        }
        return (.queued, nil)
    }

    /// The worker's `control_response` to `requestID`: success or error.
    static func response(to requestID: String) -> (JSONValue) -> (ControlStatus, String?)? {
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
    static func permissionAnswer(requestID: String, toolUseID: String?) -> (JSONValue) -> (ControlStatus, String?)? {
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
}
