import CCTapCore
import Foundation

/// Aligned, readable text for people. (Programs use `--json`.)
enum Render {
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line))
            .joined(separator: "\n")
    }

    static func clip(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }

    static func sessions(_ list: SessionList) -> String {
        guard !list.sessions.isEmpty else { return "No sessions" + (list.statusFilter.map { " with status \($0)" } ?? "") + "." }
        let rows = list.sessions.map {
            [$0.id, $0.status, $0.connectionStatus, String(($0.updatedAt ?? "").prefix(16)), clip($0.title ?? "(untitled)", 48)]
        }
        return table(["ID", "STATUS", "CONNECTION", "UPDATED", "TITLE"], rows) + "\n\(list.count) session(s)"
    }

    static func transcript(_ transcript: Transcript) -> String {
        var lines: [String] = []
        if transcript.hasOlder { lines.append("… (older entries not shown)") }
        for entry in transcript.entries {
            let label: String
            switch entry.kind {
            case .user: label = "user"
            case .assistant: label = "assistant"
            case .toolUse: label = "  tool →"
            case .toolResult: label = entry.isError == true ? "  tool ✗" : "  tool ←"
            case .permissionRequest: label = "  ask ?"
            case .turnResult: label = "  ——"
            }
            let text = entry.text.split(separator: "\n", omittingEmptySubsequences: false)
                .joined(separator: "\n" + String(repeating: " ", count: 12))
            lines.append(label.padding(toLength: 11, withPad: " ", startingAt: 0) + " " + text)
        }
        if transcript.entries.isEmpty { lines.append("(no conversation yet)") }
        return lines.joined(separator: "\n")
    }

    static func wait(_ result: WaitResult) -> String {
        var lines = ["status: \(result.status.rawValue) after \(String(format: "%.1f", result.elapsedSeconds)) s"]
        if !result.reply.isEmpty { lines.append("reply:\n" + result.reply.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")) }
        for request in result.pendingPermissions {
            lines.append("permission asked: \(request.toolName) \(request.input.jsonText()) (request_id \(request.requestID))")
        }
        lines.append("cursor: \(result.cursor)")
        lines.append(result.hint)
        return lines.joined(separator: "\n")
    }
}
