import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Which route generation answers each kind of operation, as `cc-tap doctor` shows it. Every
/// request is a read; writes are judged from the history route, whose path they share.
public struct RouteReport: Sendable {
    public struct Check: Sendable {
        /// `sessions`, `history`, `stream` or `writes`.
        public var operation: String
        /// The route in each dialect, in the order cc-tap tries them, with what it answered.
        public var answers: [(dialect: Dialect, route: String, answered: Bool, summary: String)]
        /// Whether some route serves the operation.
        public var usable: Bool { answers.contains { $0.answered } }

        /// "sessions: /v1/code/sessions ✓ 200 in 12 ms · /v1/sessions ✗ 404 not_found_error"
        public var line: String {
            "\(operation): " + answers.map { "\($0.route) \($0.answered ? "✓" : "✗") \($0.summary)" }.joined(separator: " · ")
        }
    }

    public var checks: [Check]
}

extension Tap {
    /// Tries the list and the history routes of both generations (one small read each), the v2 event
    /// stream's first frame, and infers the write route. `session` is a session to try the
    /// per-session routes on; without one only the list is checked.
    public func routeReport(session id: String?, streamWithin seconds: Double = 5) async -> RouteReport {
        var checks: [RouteReport.Check] = []
        var sessions = RouteReport.Check(operation: "sessions", answers: [])
        for dialect in Dialect.allCases {
            let path = Route.sessions(dialect)
            let answer = await api.probeList(dialect)
            sessions.answers.append((dialect, path, answer.succeeded, answer.summary))
        }
        checks.append(sessions)
        guard let id, let session = try? SessionID(id) else { return RouteReport(checks: checks) }

        var history = RouteReport.Check(operation: "history", answers: [])
        for dialect in Dialect.allCases {
            let path = Route.events(session, dialect)
            let answer = await api.probeHistory(session, dialect)
            history.answers.append((dialect, Self.shortened(path, session), answer.succeeded, answer.summary))
        }
        checks.append(history)

        let stream = await probeEventSource(id, within: seconds)
        let streamPath = Route.eventStreamPattern
        checks.append(
            RouteReport.Check(
                operation: "stream",
                answers: [(.v2, streamPath, stream.source == .stream, Self.shortened(stream.detail, session))]))

        let writable = history.answers.filter(\.answered).map { answer in
            (answer.dialect, answer.route, true, "(its history route answered; doctor never writes)")
        }
        checks.append(
            RouteReport.Check(
                operation: "writes",
                answers: writable.isEmpty ? [(.v2, "no events route", false, "no history route answered")] : writable))
        return RouteReport(checks: checks)
    }

    /// `/v1/code/sessions/cse_01HF…0001/events`: ids cut short, so a report can be pasted into an issue.
    static func shortened(_ path: String, _ session: SessionID) -> String {
        path.replacing(session.suffix, with: shortened(session.suffix))
    }

    static func shortened(_ text: String) -> String {
        text.count <= 12 ? text : String(text.prefix(8)) + "…" + String(text.suffix(4))
    }
}
