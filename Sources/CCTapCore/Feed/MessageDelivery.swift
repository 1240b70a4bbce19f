import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Posts events so that a user message is stored exactly once, or the caller is told it may not be.
///
/// Only a message the answer names, or one seen among the session's events, is reported sent. When
/// the answer leaves the outcome open (a 5xx, a reset, a cut-off or unreadable answer, a timeout, or
/// a 2xx that does not name the message) its `uuid` is looked for over `StoreConfirmation`'s window
/// before anything is repeated, since the service may store it late. Not found after a 5xx or a
/// reset: posted again. Not found after a timeout or a 2xx: the caller gets `sendOutcomeUnknown`,
/// never a blind resend.
struct MessageDelivery {
    let api: RemoteAPI
    let session: SessionID
    /// When the caller's whole operation should be over (`send --timeout`): a post's timeout is cut to
    /// what is left (never below `minimumPostTimeout`), and the look after a post that timed out stops
    /// there. A look after a 2xx or a 5xx keeps its window: the message is most likely stored.
    var deadline: Date? = nil
    /// Who wrote the message: an agent's goes out as a peer's, a person's as typed (PROTOCOL.md §16).
    var sender: MessageSender = .agent

    /// A worker's cold start can hold the post about 2.6 s (PROTOCOL.md §7): a shorter bound would
    /// turn a healthy send into an unknown one.
    static let minimumPostTimeout: TimeInterval = 5

    /// The post's timeout: the configured one, cut to what is left before the deadline.
    private var postTimeout: TimeInterval? {
        deadline.map { max(Self.minimumPostTimeout, min(configuration.sendTimeout, $0.timeIntervalSinceNow)) }
    }

    private var configuration: TapConfiguration { api.configuration }

    /// `queue`: the worker's turns at `cursor` (a look at the session's newest events), which the
    /// result's cursor carries so a wait from it ends on the turn that takes this message up.
    func send(text: String, after cursor: EventCursor, queue: TurnLedger = TurnLedger()) async throws -> SendResult {
        let uuid = UUID().uuidString.lowercased()
        let session = session
        let tied = EventCursor(
            cursor.position, tie: .init(uuid: uuid, ahead: queue.queued.count, running: queue.turnRunning)
        ).description
        var attempt = 1
        while true {
            let verdict: Verdict
            var answerLost = false
            do {
                let (answer, dialect) = try await api.speaking(.send) { dialect in
                    try await api.postUserMessage(
                        session, dialect, text: text, uuid: uuid, sender: sender, timeout: postTimeout)
                }
                if StoreConfirmation.answerNames(uuid, answer) {
                    return SendResult(
                        sessionID: session.spelled(dialect), uuid: uuid, cursor: tied, attempts: attempt,
                        confirmedFromEvents: false)
                }
                verdict = try await look(
                    for: uuid, after: cursor, mayRetry: false,
                    failure: answer == nil
                        ? "the service accepted the post but its answer was not readable"
                        : "the service accepted the post but its answer does not name the message")
            } catch let error as TapError {
                // nil: a final answer (a 4xx), which stored nothing.
                guard let judged = try await judge(error, uuid: uuid, after: cursor) else { throw error }
                if case .retryAfter = judged, attempt >= configuration.maxAttempts { throw error }
                verdict = judged
                answerLost = true
            }
            switch verdict {
            case .stored:
                if answerLost {
                    configuration.logger.info("send to \(session.spelled(.v1)): answer lost, but the message is stored")
                } else {
                    configuration.logger.debug("send to \(session.spelled(.v1)): the message is among the session's events")
                }
                return SendResult(
                    sessionID: api.spelling(session, .send), uuid: uuid, cursor: tied, attempts: attempt,
                    confirmedFromEvents: true)
            case .retryAfter(let delay):
                configuration.logger.debug("send to \(session.spelled(.v1)) not stored; posting again")
                try await Seconds.sleep(delay)
                attempt += 1
            case .unknown(let detail):
                throw TapError.sendOutcomeUnknown(uuid: uuid, detail: detail)
            }
        }
    }

    /// Control events (permission answers, interrupts) are idempotent by `request_id`, but we still
    /// only repeat them when the failure shows they were not taken. `post` posts one in a dialect.
    func postControl(_ post: @Sendable (Dialect) async throws -> Void) async throws {
        var attempt = 1
        while true {
            do {
                _ = try await api.speaking(.send) { try await post($0) }
                return
            } catch let error as TapError {
                guard case .api(let details) = error, attempt < configuration.maxAttempts,
                    let delay = api.transport.retryDelay(details, attempt), details.status == 429
                else { throw error }
                try await Seconds.sleep(delay)
                attempt += 1
            }
        }
    }

    enum Verdict {
        case stored
        case retryAfter(TimeInterval)
        case unknown(String)
    }

    private func judge(_ error: TapError, uuid: String, after cursor: EventCursor) async throws -> Verdict? {
        switch error {
        case .api(let details) where details.status == 429:
            // Rate limited: refused before being taken.
            guard let delay = api.transport.retryDelay(details, 1) else { return nil }
            return .retryAfter(delay)
        case .api(let details) where details.status >= 500:
            return try await look(for: uuid, after: cursor, mayRetry: true, failure: "HTTP \(details.status)")
        case .timeout:
            // The server may still be working on it: look, but never repeat it.
            return try await look(for: uuid, after: cursor, mayRetry: false, failure: "the request timed out", bounded: true)
        case .network, .badResponse:
            return try await look(for: uuid, after: cursor, mayRetry: true, failure: error.message)
        default:
            return nil
        }
    }

    /// Looks for the message over `StoreConfirmation.pauses`; not seen by the end: posted again when
    /// `mayRetry`, otherwise unknown.
    private func look(
        for uuid: String, after cursor: EventCursor, mayRetry: Bool, failure: String, bounded: Bool = false
    ) async throws -> Verdict {
        for pause in StoreConfirmation.pauses {
            if bounded, let deadline, Date().addingTimeInterval(pause) > deadline {
                return .unknown("\(failure), and the time allowed ran out before the session's events showed it")
            }
            try await Seconds.sleep(pause)
            var feed = EventFeed(api: api, session: session, cursor: cursor)
            let events: [JSONValue]
            do {
                events = try await feed.readNew()
            } catch let checkError as TapError {
                if case .cancelled = checkError { throw checkError }
                return .unknown("\(failure), and reading the session to check failed too (\(checkError.message))")
            }
            if TurnReading.containsMessage(uuid, in: events) {
                return .stored
            }
        }
        let window = StoreConfirmation.window.rounded(toDecimals: 1)
        return mayRetry
            ? .retryAfter(0)
            : .unknown("\(failure), and it is not among the session's events after \(window) s of looking")
    }
}
