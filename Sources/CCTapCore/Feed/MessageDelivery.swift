import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Posts events so that a user message is stored exactly once, or the caller is told it may not be.
///
/// A POST that fails without a clear "not stored" answer (connection reset, 5xx, an unreadable body)
/// is checked against the session's events by the message's `uuid` before it is repeated. After a
/// timeout the request may still be in progress on the server, so we never repeat it: if the check
/// does not find it, the caller gets `sendOutcomeUnknown`.
struct MessageDelivery {
    let api: RemoteAPI
    let session: SessionID

    private var configuration: TapConfiguration { api.configuration }

    func send(text: String, after cursor: EventCursor) async throws -> SendResult {
        let uuid = UUID().uuidString.lowercased()
        let session = session
        var attempt = 1
        while true {
            do {
                let (_, dialect) = try await api.speaking(.send) { dialect in
                    let event: JSONValue = [
                        "type": "user",
                        "uuid": .string(uuid),
                        "session_id": .string(session.spelled(dialect)),
                        "parent_tool_use_id": nil,
                        "message": ["role": "user", "content": .string(text)],
                    ]
                    try await api.postEvents(session, dialect, [event])
                }
                return SendResult(
                    sessionID: session.spelled(dialect), uuid: uuid, cursor: cursor.description, attempts: attempt,
                    confirmedFromEvents: false)
            } catch let error as TapError {
                let verdict = try await judge(error, uuid: uuid, after: cursor)
                switch verdict {
                case .stored:
                    configuration.logger.info("send to \(session.compat): answer lost, but the message is stored")
                    return SendResult(
                        sessionID: api.spelling(session, .send), uuid: uuid, cursor: cursor.description, attempts: attempt,
                        confirmedFromEvents: true)
                case .retryAfter(let delay) where attempt < configuration.maxAttempts:
                    configuration.logger.debug("send to \(session.compat) not stored (\(error.kind)); retrying")
                    try await sleep(delay)
                    attempt += 1
                case .retryAfter, .fail:
                    throw error
                case .unknown(let detail):
                    throw TapError.sendOutcomeUnknown(uuid: uuid, detail: detail)
                }
            }
        }
    }

    /// Control events (permission answers, interrupts) are idempotent by `request_id`, but we still
    /// only repeat them when the failure shows they were not taken.
    func postControl(_ event: JSONValue) async throws {
        var attempt = 1
        while true {
            do {
                let session = session
                _ = try await api.speaking(.send) { try await api.postEvents(session, $0, [event]) }
                return
            } catch let error as TapError {
                guard case .api(let details) = error, attempt < configuration.maxAttempts,
                    let delay = api.transport.retryDelay(details, attempt), details.status == 429
                else { throw error }
                try await sleep(delay)
                attempt += 1
            }
        }
    }

    enum Verdict {
        case stored
        case retryAfter(TimeInterval)
        case fail
        case unknown(String)
    }

    private func judge(_ error: TapError, uuid: String, after cursor: EventCursor) async throws -> Verdict {
        switch error {
        case .api(let details) where details.status == 429:
            // Rate limited: refused before being taken.
            guard let delay = api.transport.retryDelay(details, 1) else { return .fail }
            return .retryAfter(delay)
        case .api(let details) where details.status >= 500:
            return try await check(uuid: uuid, after: cursor, failure: "HTTP \(details.status)", mayRetry: true)
        case .timeout:
            // Timed out: the server may still be handling it. Give it a moment, look, never repeat.
            try await sleep(min(2, configuration.initialBackoff * 2))
            return try await check(uuid: uuid, after: cursor, failure: "the request timed out", mayRetry: false)
        case .network, .badResponse:
            return try await check(uuid: uuid, after: cursor, failure: error.message, mayRetry: true)
        default:
            return .fail
        }
    }

    private func check(uuid: String, after cursor: EventCursor, failure: String, mayRetry: Bool) async throws -> Verdict {
        var feed = EventFeed(api: api, session: session, cursor: cursor)
        let events: [JSONValue]
        do {
            events = try await feed.readNew()
        } catch let checkError as TapError {
            if case .cancelled = checkError { throw checkError }
            return .unknown("\(failure), and reading the session to check failed too (\(checkError.message))")
        }
        if events.contains(where: { $0["type"]?.stringValue == "user" && $0["uuid"]?.stringValue == uuid }) {
            return .stored
        }
        return mayRetry ? .retryAfter(api.transport.backoff(attempt: 1)) : .unknown("\(failure) and it is not in the session's events yet")
    }

    private func sleep(_ seconds: TimeInterval) async throws {
        do { try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000)) } catch {
            throw TapError.cancelled
        }
    }
}
