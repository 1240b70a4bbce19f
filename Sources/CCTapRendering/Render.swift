import CCTapCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Readable text for people and for models: the CLI prints it, and MCP tool results carry it
/// as their text content beside the structured result.
public enum Render {
    package static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padded(to: widths[index])
            }.joined(separator: "  ")
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line))
            .joined(separator: "\n")
    }

    package static func clip(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }

    public static func sessions(_ list: SessionList) -> String {
        guard !list.sessions.isEmpty else { return "No sessions" + (list.statusFilter.map { " with status \($0)" } ?? "") + "." }
        let rows = list.sessions.map {
            [
                $0.id, state($0), $0.connectionStatus, String(($0.lastEventAt ?? $0.updatedAt ?? "").prefix(16)),
                $0.attentionReason.map { "! " + $0.rawValue } ?? "-", clip($0.title ?? "(untitled)", 48),
            ]
        }
        var text = table(["ID", "STATE", "CONNECTION", "ACTIVITY", "NEEDS-YOU", "TITLE"], rows) + "\n\(list.count) session(s)"
        if let note = list.note { text += " (partial: \(note))" }
        return text
    }

    /// One word for a person: `archived`, else what the worker does, with `*` when a turn ended unread.
    package static func state(_ session: SessionSummary) -> String {
        (session.status == "active" ? session.workerStatus : session.status) + (session.unread == true ? " *" : "")
    }

    public static func transcript(_ transcript: Transcript) -> String {
        var lines: [String] = []
        if transcript.hasOlder { lines.append("… (older entries not shown)") }
        for entry in transcript.entries {
            let label: String
            switch entry.kind {
            case .user: label = entry.sender == .peer ? "peer" : "user"
            case .assistant: label = "assistant"
            case .toolUse: label = "  tool →"
            case .toolResult: label = entry.isError == true ? "  tool ✗" : "  tool ←"
            case .permissionRequest: label = "  ask ?"
            case .turnResult: label = "  ——"
            case .promptSuggestion: label = "  next?"
            }
            let text = entry.text.split(separator: "\n", omittingEmptySubsequences: false)
                .joined(separator: "\n" + String(repeating: " ", count: 12))
            lines.append(label.padded(to: 11) + " " + text)
        }
        if transcript.entries.isEmpty { lines.append("(no conversation yet)") }
        return lines.joined(separator: "\n")
    }

    public static func wait(_ result: WaitResult) -> String {
        var lines = ["status: \(result.status.rawValue) after \(result.elapsedSeconds.fixed(1)) s"]
        if let sender = result.sender, result.messageUUID != nil { lines.append("sent as: \(sender == .person ? "the person" : "an agent (another session's message)")") }
        if result.turn == .queued && result.status != .held { lines.append("your message: queued behind the current turn") }
        if !result.reply.isEmpty { lines.append("reply:\n" + result.reply.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")) }
        for request in result.pendingPermissions {
            lines.append(permissionLine(request))
        }
        lines += result.pendingInputs.map(inputLine)
        lines.append("cursor: \(result.cursor)")
        lines.append(result.hint)
        return lines.joined(separator: "\n")
    }

    public static func sessionInfo(_ info: SessionInfo) -> String {
        let session = info.session
        var lines = [
            "\(session.title ?? "(untitled)") — \(session.id)",
            "state: \(state(session)) (\(session.status)), connection: \(session.connectionStatus)"
                + (session.environmentKind.map { ", environment: \($0)" } ?? ""),
        ]
        if let summary = session.postTurnSummary {
            // An object in either of its known shapes, or a plain string (late-2026 §3).
            let parts = summary.stringValue.map { [$0] }
                ?? ["status_category", "status_detail", "summary", "needs_action"].compactMap { summary[$0]?.stringValue }
            let shown = parts.filter { !$0.isEmpty }
            if !shown.isEmpty { lines.append("last turn: " + shown.joined(separator: " — ")) }
        }
        lines.append("messages from other sessions (as this tool's are): \(session.peerMessages.verdict.rawValue)")
        if let action = session.pendingAction { lines.append("pending action: \(actionWords(action))") }
        if let cwd = session.cwd { lines.append("cwd: \(cwd)") }
        if let model = session.model { lines.append("model: \(model)") }
        if let updated = session.updatedAt { lines.append("updated: \(updated)") }
        lines += info.pendingInputs.map(inputLine)
        if info.pendingPermissions.isEmpty {
            lines.append("no permission prompt is waiting")
        } else {
            for request in info.pendingPermissions {
                lines.append(permissionLine(request))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A session's `pending_action` in words: what it is, for which tool, and its request id, then any
    /// field not known yet (its inner shape is not documented: PROTOCOL.md §4), never raw JSON for
    /// the shapes seen.
    package static func actionWords(_ action: JSONValue) -> String {
        if let text = action.stringValue { return text }
        guard let object = action.objectValue, !object.isEmpty else { return action.jsonText() }
        var words = object["type"]?.stringValue ?? "an action"
        if let tool = object["tool_name"]?.stringValue { words += " to use \(tool)" }
        if let detail = object["description"]?.stringValue { words += ": \(clip(detail, 200))" }
        if let id = object["request_id"]?.stringValue { words += " (request_id \(id))" }
        let others = object.keys.filter { !["type", "tool_name", "description", "request_id"].contains($0) }.sorted()
        if !others.isEmpty {
            words += "; also " + others.map { "\($0) \(clip(object[$0]?.jsonText() ?? "", 80))" }.joined(separator: ", ")
        }
        return words
    }

    /// A prompt as a person judges it: a command in full, an edit as a diff, a question with its
    /// options; then what "always" would keep allowing.
    package static func permissionLine(_ request: PermissionRequest) -> String {
        var text: String
        if let summary = request.summary {
            text = "\(request.toolName) asks (request_id \(request.requestID)):\n" + summary
        } else if let proposal = UnifiedDiff.proposal(tool: request.toolName, input: request.input) {
            text = "permission asked: \(request.toolName) (request_id \(request.requestID))"
                + (request.description.map { " — " + $0 } ?? "") + "\n" + indented(proposal)
        } else {
            text = "permission asked: \(request.toolName) \(clip(request.input.jsonText(), 2000)) (request_id \(request.requestID))"
        }
        if !request.alwaysAllows.isEmpty {
            text += "\n  always would: " + request.alwaysAllows.joined(separator: "; ")
        }
        return text
    }

    package static func indented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }

    package static func inputLine(_ request: WorkerRequest) -> String {
        let answer = request.actions.isEmpty ? "" : "; answers: " + request.actions.map(\.rawValue).joined(separator: ", ")
        return "waiting for input: \(request.subtype) (request_id \(request.requestID)\(answer))\n" + indented(request.summary)
    }

    public static func inputResponse(_ result: InputResponseResult) -> String {
        "Answered \(result.action.rawValue) to \(result.subtype) (request_id \(result.requestID)) in \(result.sessionID). "
            + result.note
    }

    public static func prune(_ result: PruneResult) -> String {
        var lines: [String] = []
        if !result.sessions.isEmpty {
            lines.append(table(
                ["ID", "OUTCOME", "CONNECTION", "LAST-ACTIVITY", "TITLE"],
                result.sessions.map {
                    [$0.id, $0.outcome, $0.connectionStatus, String(($0.lastActivity ?? "-").prefix(16)), clip($0.title ?? "(untitled)", 48)]
                }))
        }
        let kept = result.kept.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
        if !kept.isEmpty { lines.append("kept: " + kept.joined(separator: ", ")) }
        lines.append(result.note)
        return lines.joined(separator: "\n")
    }

    public static func events(_ list: EventList) -> String {
        var lines = ["\(list.count) event(s) of \(list.sessionID)" + (list.eventTypes.isEmpty ? "" : " of type \(list.eventTypes.joined(separator: ", "))")
            + (list.hasOlder ? " (older ones exist)" : "")]
        lines += list.events.map { clip($0.jsonText(), 2000) }
        return lines.joined(separator: "\n")
    }

    /// A send, its hint carrying the surface's next step (none while the session holds the message).
    public static func sent(_ result: SendResult) -> String {
        "Sent to \(result.sessionID) (uuid \(result.uuid)) as \(result.sender == .person ? "the person" : "an agent")."
            + (result.confirmedFromEvents ? " The service's answer did not name it; the session's events show it stored once." : "")
            + " " + result.hint
    }

    public static func permissionResponse(_ result: PermissionResponseResult) -> String {
        "Answered \(result.always ? "always allow" : result.decision.rawValue) to \(result.toolName) (request_id \(result.requestID)) in \(result.sessionID). "
            + result.note
    }

    public static func interrupt(_ result: InterruptResult, _ wording: Wording) -> String {
        let outcome: String =
            switch result.status {
            case .acknowledged: "The worker acknowledged it."
            case .refused: "The worker refused: \(result.detail ?? "no reason given")."
            case .queued, .withdrawn, .applied: "The worker has not acknowledged it yet (it may be busy or offline)."
            }
        return "Asked \(result.sessionID) to stop its current turn (request_id \(result.requestID)). \(outcome) "
            + wording.sentence(for: .seeTurnEnd)
    }

    public static func attention(_ result: AttentionResult) -> String {
        var lines: [String] = []
        switch result.status {
        case .timeout:
            lines.append("Nothing new needs you among \(result.sessionsWatched) session(s) (\(Int(result.elapsedSeconds)) s, by \(result.source)).")
        case .attention:
            for item in result.items {
                lines.append("\(item.session.id) \(clip(item.session.title ?? "(untitled)", 60)): \(item.reason.rawValue)")
                lines += item.pendingPermissions.map { "  " + permissionLine($0) }
                lines += item.pendingInputs.map { "  " + inputLine($0) }
                if !item.reply.isEmpty { lines.append("  reply: " + clip(item.reply, 1500)) }
                lines.append("  cursor: \(item.cursor)")
            }
        }
        lines.append(result.hint)
        lines.append("resume_token: \(result.resumeToken)")
        return lines.joined(separator: "\n")
    }

    public static func steering(_ result: SteeringResult) -> String {
        let what: String =
            switch result.action {
            case .permissionMode: "permission mode \(result.value ?? "")"
            case .model: "model \(result.value ?? "")"
            case .title: "title \"\(result.value ?? "")\""
            case .archive: "archive"
            case .markRead: "mark read"
            }
        // The status word, unless the note already says it ("The worker acknowledged it.").
        let status = result.status.rawValue
        return result.note.lowercased().contains(status)
            ? "\(result.sessionID): \(what): \(result.note)" : "\(result.sessionID): \(what): \(status). \(result.note)"
    }

    /// `cc-tap watch`'s screen: every live session, those that need you first, then the newest
    /// activity; within `lines` lines when given (a terminal's height), with a count of the rest.
    /// The columns are named as `sessions` names them; activity is told as time ago (no zone to read).
    public static func watchTable(_ update: SessionsUpdate, lines: Int? = nil, now: Date = Date()) -> String {
        // The list comes newest first; a stable partition keeps that order within each part.
        let needing = update.sessions.filter(\.needsAttention)
        let ordered = needing + update.sessions.filter { !$0.needsAttention }
        var footer = ["", "\(update.sessions.count) live session(s), \(needing.count) need(s) you · updates by \(update.source.rawValue)"]
        if let failure = update.failure { footer.append("last read failed: \(failure.message)") }
        var shown = ordered
        if let lines, lines > 0 {
            // The header and its rule, the footer, a line for what did not fit, and the caller's own last line.
            let room = max(1, lines - 2 - footer.count - 2)
            if ordered.count > room {
                shown = Array(ordered.prefix(room))
                footer.insert("… and \(ordered.count - room) more: make the terminal taller to see them", at: 0)
            }
        }
        let rows = shown.map { session in
            [
                clip(session.title ?? "(untitled)", 40), state(session), session.attentionReason.map { "! " + $0.rawValue } ?? "-",
                ago(session.lastEventAt ?? session.updatedAt, now: now), session.id,
            ]
        }
        return table(["TITLE", "STATE", "NEEDS-YOU", "ACTIVITY", "ID"], rows) + "\n" + footer.joined(separator: "\n")
    }

    /// How long ago an ISO 8601 time was, read at a glance: "just now", "42 s ago", "3 min ago",
    /// "5 h ago", "2 d ago"; "-" for none, and the text as it is when it is no time.
    package static func ago(_ text: String?, now: Date) -> String {
        guard let text else { return "-" }
        guard let date = PruneRule.parse(text) else { return text }
        let seconds = Int(now.timeIntervalSince(date).rounded(.down))
        switch seconds {
        case ..<5: return "just now"
        case ..<60: return "\(seconds) s ago"
        case ..<3_600: return "\(seconds / 60) min ago"
        case ..<86_400: return "\(seconds / 3_600) h ago"
        default: return "\(seconds / 86_400) d ago"
        }
    }
}
