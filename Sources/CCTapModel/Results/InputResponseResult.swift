/// What the answer to a dialog or an elicitation was, and what the worker made of it.
public struct InputResponseResult: Codable, Sendable, Equatable {
    public var sessionID: String
    public var requestID: String
    public var subtype: String
    public var action: InputAction
    /// Whether the worker showed, within a short wait, that it took the answer (its turn went on),
    /// `withdrawn` when it withdrew the request first, or `queued` when it has shown nothing yet.
    public var status: ControlStatus
    public var detail: String?
    /// The event posted, for the record.
    public var sent: JSONValue
    /// What happened, and what to do next once a surface has worded `next` into it.
    public var note: String
    /// The step `note` advises, as a fact (not encoded: the surface words it into `note`).
    public var next: NextStep? = nil

    package init(
        sessionID: String, requestID: String, subtype: String, action: InputAction, status: ControlStatus, detail: String?,
        sent: JSONValue, note: String, next: NextStep? = nil
    ) {
        self.sessionID = sessionID
        self.requestID = requestID
        self.subtype = subtype
        self.action = action
        self.status = status
        self.detail = detail
        self.sent = sent
        self.note = note
        self.next = next
    }

    enum CodingKeys: String, CodingKey {
        case subtype, action, status, detail, sent, note
        case sessionID = "session_id"
        case requestID = "request_id"
    }
}

extension InputResponseResult: AdvisesNextStep {
    public func worded(_ wording: Wording) -> InputResponseResult {
        var copy = self
        copy.note = wording.adding(next, to: note)
        copy.next = nil
        return copy
    }
}
