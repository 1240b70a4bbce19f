import AsyncHTTPClient
import CCTapModel
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `cc-tap probe`: answers, against the user's own account and with reads only, the open questions
/// of PROTOCOL.md that need no write: which routes answer, the list's page parameter, the fields of
/// session objects, the stream's frame kinds and keepalive form, and which headers are required.
/// The report holds no token, no message text and no title, and shortens every id, so it can be
/// pasted into an issue.
public struct ProbeReport: Sendable {
    public struct Section: Sendable, Encodable {
        public var title: String
        public var lines: [String]
    }

    public var sections: [Section]

    public var text: String {
        sections.map { section in
            ([section.title] + section.lines.map { "  " + $0 }).joined(separator: "\n")
        }.joined(separator: "\n\n")
    }
}

extension Tap {
    public func probeProtocol(streamSeconds: Double = 20) async -> ProbeReport {
        var sections: [ProbeReport.Section] = []
        let list = await api.probeList(.v2)
        let v1List = await api.probeList(.v1)
        let firstItem = list.json?["data"]?.arrayValue?.first ?? v1List.json?["data"]?.arrayValue?.first
        let sample = (firstItem?["id"]?.stringValue).flatMap { try? SessionID($0) }

        // Routes
        let routes = await routeReport(session: sample?.spelled(.v1), streamWithin: 5)
        var routeLines = routes.checks.map(\.line)
        if let sample {
            for dialect in Dialect.allCases {
                let path = Route.session(sample, dialect)
                routeLines.append("session detail: GET \(Self.shortened(path, sample)) → \(await api.probeSession(sample, dialect).summary)")
            }
        }
        sections.append(.init(title: "Routes [PROTOCOL.md §1]", lines: routeLines))

        // Paging
        sections.append(.init(title: "List paging [PROTOCOL.md §3, paging]", lines: await pagingLines(list)))

        // Fields
        var fieldLines: [String] = []
        func describe(_ label: String, _ object: JSONValue?) {
            guard let keys = object?.objectValue?.keys.sorted() else {
                fieldLines.append("\(label): (no object)")
                return
            }
            fieldLines.append("\(label): \(keys.joined(separator: ", "))")
            if let metadata = object?["external_metadata"]?.objectValue {
                // Each key with the shape of its value (late-2026 §3: pending_action and post_turn_summary
                // come as objects, strings or not at all), and the peer policy's own word, which is no secret.
                fieldLines.append(
                    "\(label) external_metadata: "
                        + (metadata.isEmpty
                            ? "(empty)"
                            : metadata.keys.sorted().map { "\($0) (\(Self.shape(metadata[$0]!)))" }.joined(separator: ", ")))
                if let policy = metadata["cross_session_inbound"]?.stringValue {
                    fieldLines.append("\(label) cross_session_inbound: \(policy.prefix(20))")
                }
            }
            let values = ["status", "worker_status", "session_status", "connection_status", "environment_kind"]
                .compactMap { key in object?[key]?.stringValue.map { "\(key)=\($0)" } }
            if !values.isEmpty { fieldLines.append("\(label) values: \(values.joined(separator: ", "))") }
        }
        describe("v2 list item", list.json?["data"]?.arrayValue?.first)
        describe("v1 list item", v1List.json?["data"]?.arrayValue?.first)
        fieldLines.append("v2 list answer: \(list.json?.objectValue?.keys.sorted().joined(separator: ", ") ?? list.summary)")
        if let sample {
            let detail = await api.probeSession(sample, .v2).json
            let wrapper = SessionRecord.wrappers.first { detail?[$0]?.objectValue != nil && detail?["id"] == nil }
            fieldLines.append("v2 detail wrapped: " + (wrapper.map { "yes, in \($0)" } ?? "no (bare)"))
            describe("v2 detail", wrapper.flatMap { detail?[$0] } ?? detail)
            describe("v1 detail", await api.probeSession(sample, .v1).json)
        }
        sections.append(.init(title: "Session object fields [PROTOCOL.md §4]", lines: fieldLines))

        // Stream
        sections.append(
            .init(
                title: "Event stream frames [PROTOCOL.md §8]",
                lines: sample == nil ? ["no session to open a stream on"] : await streamLines(sample!, seconds: streamSeconds)))

        // The account watch: which vocabulary its frames speak (late-2026 §6).
        let token = list.json.flatMap(RemoteAPI.resumeToken(in:))
        sections.append(
            .init(
                title: "Account watch frames [PROTOCOL.md §13, §15]",
                lines: token == nil
                    ? ["the v2 list gave no resume_token to open the watch with"]
                    : await tallied(seconds: min(streamSeconds, 10), from: "from the list's resume_token") {
                        try await self.api.openAccountWatch(resumeToken: token!)
                    }))

        // Headers
        var headerLines: [String] = []
        for (label, overrides) in RemoteAPI.headerVariants {
            let answer = await api.probeList(.v2, headers: overrides)
            headerLines.append("GET \(Route.sessions(.v2)) \(label) → \(answer.summary)")
        }
        sections.append(.init(title: "Required headers [PROTOCOL.md §2]", lines: headerLines))
        return ProbeReport(sections: sections)
    }

    /// A value's JSON type, for reports that must not quote values.
    static func shape(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Follows `next_cursor` once under each name the sources imply, and tries `statuses`.
    private func pagingLines(_ first: ProbeAnswer) async -> [String] {
        guard first.succeeded, let json = first.json else { return ["the v2 list did not answer (\(first.summary))"] }
        let firstID = json["data"]?.arrayValue?.first?["id"]?.stringValue
        guard let next = RemoteAPI.nextCursor(in: json) else {
            return ["one session or fewer: no next_cursor to follow (create a second session and probe again)"]
        }
        var lines = ["next_cursor: present with limit=1 (\(next.count) characters)"]
        for parameter in RemoteAPI.listPageParameters {
            let answer = await api.probeListPage(parameter: parameter, cursor: next)
            let verdict: String
            if !answer.succeeded {
                verdict = "refused: \(answer.summary)"
            } else {
                let id = answer.json?["data"]?.arrayValue?.first?["id"]?.stringValue
                verdict = id == firstID ? "ignored (page one again)" : "honoured (the next session)"
            }
            lines.append("\(parameter)=<next_cursor>: \(verdict)")
        }
        let archived = await api.probeArchivedList()
        if archived.succeeded {
            let statuses = Set((archived.json?["data"]?.arrayValue ?? []).compactMap { $0["status"]?.stringValue })
            lines.append("statuses=archived: " + (statuses.isEmpty ? "no session listed" : "listed statuses \(statuses.sorted().joined(separator: ", "))"))
        } else {
            lines.append("statuses=archived: refused: \(archived.summary)")
        }
        return lines
    }

    /// Opens the stream of `session` without a position and tallies what arrives for `seconds`.
    private func streamLines(_ session: SessionID, seconds: Double) async -> [String] {
        await tallied(seconds: seconds, from: "without a position") { try await self.api.openEventStream(session, after: nil) }
    }

    /// Opens a stream and tallies its frames for `seconds`.
    private func tallied(
        seconds: Double, from: String, _ open: @Sendable () async throws -> HTTPClientResponse.Body
    ) async -> [String] {
        let body: HTTPClientResponse.Body
        do {
            body = try await open()
        } catch let error as TapError {
            return ["did not open: \(error.message.prefix(160))"]
        } catch {
            return ["did not open"]
        }
        let tally = StreamTally()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var pending = ""
                do {
                    for try await buffer in body {
                        pending += String(decoding: buffer.readableBytesView, as: UTF8.self)
                        while let newline = pending.firstIndex(of: "\n") {
                            tally.take(pending[..<newline].trimmed)
                            pending = String(pending[pending.index(after: newline)...])
                        }
                    }
                    tally.closed = true
                } catch {}
            }
            group.addTask { try? await Task.sleep(nanoseconds: Seconds.nanoseconds(seconds)) }
            await group.next()
            group.cancelAll()
        }
        return tally.lines(seconds: seconds, from: from)
    }
}

/// What a probed stream sent: frame names with counts, comment lines, `id:` lines, unnamed frames.
private final class StreamTally: @unchecked Sendable {
    // Touched by one reading task at a time, then read once it has been cancelled.
    var frames: [String: Int] = [:]
    var comments: [String: Int] = [:]
    var ids = 0
    var closed = false
    private var currentName: String?
    private var sawData = false

    func take(_ line: String) {
        if line.isEmpty {
            if sawData || currentName != nil { frames[currentName ?? "(unnamed)", default: 0] += 1 }
            currentName = nil
            sawData = false
        } else if line.hasPrefix(":") {
            comments[String(line.prefix(24)), default: 0] += 1
        } else if line.hasPrefix("event:") {
            currentName = line.dropFirst(6).trimmed
        } else if line.hasPrefix("data:") {
            sawData = true
        } else if line.hasPrefix("id:") {
            ids += 1
        }
    }

    func lines(seconds: Double, from: String) -> [String] {
        var lines = ["listened \(Int(seconds)) s \(from)" + (closed ? "; the server closed the stream" : "")]
        lines.append("frames: " + (frames.isEmpty ? "none" : frames.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")))
        lines.append("comment lines: " + (comments.isEmpty ? "none" : comments.map { "'\($0.key)' ×\($0.value)" }.sorted().joined(separator: ", ")))
        lines.append("id: lines: \(ids)")
        return lines
    }
}
