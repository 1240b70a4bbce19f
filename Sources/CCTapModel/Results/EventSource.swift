/// Which source a wait read its events from.
public enum EventSource: String, Sendable, Codable {
    /// The per-session event stream (server-sent events).
    case stream
    /// Polling the v2 event list by sequence number.
    case poll
    /// Polling the v1 event list by event id.
    case pollV1 = "poll-v1"
}
