/// An interrupt request that the service accepted, and what the worker made of it.
public struct InterruptResult: Codable, Sendable, Equatable {
    public var sessionID: String
    public var requestID: String
    /// `acknowledged` once the worker's `control_response` arrived within the short wait, `refused`
    /// with its error, else `queued`.
    public var status: ControlStatus
    public var detail: String?

    package init(sessionID: String, requestID: String, status: ControlStatus, detail: String?) {
        self.sessionID = sessionID
        self.requestID = requestID
        self.status = status
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case status, detail
        case sessionID = "session_id"
        case requestID = "request_id"
    }
}
