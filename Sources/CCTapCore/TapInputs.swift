import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension Tap {
    /// Answers a dialog (`request_user_dialog`: `complete` with a result, or `cancel`) or an
    /// elicitation (`accept` with content that fits its schema, `decline`, or `cancel`) a session is
    /// blocked on. `requestID` is the request's `request_id` from `pendingInputs`. A wrong action for
    /// the request's kind, or content the form does not take, is refused before anything is sent.
    ///
    /// The answer's shape is the Agent SDK's; that a Remote Control session takes it over the events
    /// route as it takes a permission answer is not verified against the live service (PROTOCOL.md §17).
    public func respondToInput(_ id: String, requestID: String, action: InputAction, value: JSONValue? = nil) async throws
        -> InputResponseResult
    {
        let session = try SessionID(id)
        let requestID = requestID.trimmed
        guard !requestID.isEmpty, requestID.utf8.count <= Limits.requestIDBytes else {
            throw TapError.invalidArgument("request_id is empty or too long; take it from pending_inputs.")
        }
        let recent = try await recentEvents(session, limit: 500)
        let open = openPrompts(in: recent.events)
        guard let input = open.inputs.first(where: { $0.requestID == requestID }) else {
            if open.permissions.contains(where: { $0.requestID == requestID }) {
                throw TapError.invalidArgument("\(requestID) is a permission prompt (see pending_permissions), not a dialog or a form: answer it as a permission.")
            }
            let known = open.inputs.map { "\($0.requestID) (\($0.subtype))" }
            throw TapError.invalidArgument(
                "No unanswered dialog or elicitation with request_id \(requestID) in \(api.spelling(session, .history))"
                    + (known.isEmpty ? " (none is pending)." : "; pending: \(known.joined(separator: ", ")).")
                    + " It may have been answered or withdrawn already.")
        }
        try Self.check(action, value, for: input)
        let event = RemoteAPI.inputAnswer(requestID: requestID, kind: input.kind, action: action, value: value)
        let (status, detail, note) = try await answer(
            session, event, from: recent, ControlVerdict.inputAnswer(requestID: requestID, toolUseID: input.toolUseID))
        return InputResponseResult(
            sessionID: api.spelling(session, .send), requestID: requestID, subtype: input.subtype, action: action,
            status: status, detail: detail, sent: event, note: note,
            next: status == .acknowledged || status == .queued ? .followTurn : nil)
    }

    /// Refuses, before anything is sent, an action that does not fit the request or a value it does not take.
    static func check(_ action: InputAction, _ value: JSONValue?, for input: WorkerRequest) throws {
        guard input.actions.contains(action) else {
            if input.kind == .other {
                throw TapError.invalidArgument(
                    "\(input.requestID) is a \(input.subtype) request, which cc-tap cannot answer; answer it where Claude Code runs.")
            }
            throw TapError.invalidArgument(
                "\(input.requestID) is \(input.kind == .dialog ? "a dialog" : "an elicitation"); answer it with "
                    + input.actions.map(\.rawValue).joined(separator: ", ") + ", not \(action.rawValue).")
        }
        if let value, value.jsonData().count > Limits.updatedInputBytes {
            throw TapError.invalidArgument("The answer's value is over \(Limits.updatedInputBytes / 1024) KiB.")
        }
        switch action {
        case .complete:
            guard let value, value != .null else {
                throw TapError.invalidArgument("complete needs a result (any JSON the dialog takes: \(input.summary)).")
            }
        case .accept:
            if input.mode == "url" && value == nil { return }
            guard let value else {
                throw TapError.invalidArgument("accept needs content, a JSON object of the form's fields:\n" + input.summary)
            }
            let problems = ElicitationSchema(input.requestedSchema).problems(in: value)
            guard problems.isEmpty else {
                throw TapError.invalidArgument(
                    "The content does not fit the form, so nothing was sent: " + problems.joined(separator: " ")
                        + "\nThe form:\n" + input.summary)
            }
        case .cancel, .decline:
            guard value == nil else {
                throw TapError.invalidArgument("\(action.rawValue) takes no result or content; leave it out.")
            }
        }
    }
}
