/// Turns raw events into readable entries. Unknown event types and system chatter are skipped
/// here (they stay available, untouched, through `events`).
package enum TranscriptBuilder {
    /// Longest text kept for a tool input or output summary.
    package static let summaryLimit = 300

    package static func entries(from events: [JSONValue]) -> [TranscriptEntry] {
        // Streamed copies of one assistant message share `message.id`: keep only the last copy.
        var lastCopy: [String: Int] = [:]
        for (index, event) in events.enumerated() {
            if event["type"]?.stringValue == "assistant", let id = event["message"]?["id"]?.stringValue {
                lastCopy[id] = index
            }
        }
        var entries: [TranscriptEntry] = []
        for (index, event) in events.enumerated() {
            let createdAt = event["created_at"]?.stringValue ?? event["timestamp"]?.stringValue
            switch event["type"]?.stringValue {
            case "user":
                entries += userEntries(event, createdAt: createdAt)
            case "assistant":
                if let id = event["message"]?["id"]?.stringValue, lastCopy[id] != index { continue }
                entries += assistantEntries(event, createdAt: createdAt)
            case "result":
                let result = TurnResult(event: event)
                var text = result.isError ? "Turn ended with an error (\(result.subtype))" : "Turn complete"
                if result.isError, let errorText = result.result ?? event["errors"]?.arrayValue?.first?.stringValue {
                    text += ": " + summary(errorText)
                }
                entries.append(TranscriptEntry(kind: .turnResult, text: text, isError: result.isError, createdAt: createdAt))
            case "prompt_suggestion":
                // `{type, suggestion, uuid, session_id}`, as the CLI writes it after a turn.
                if let suggestion = event["suggestion"]?.stringValue, !suggestion.trimmed.isEmpty {
                    entries.append(TranscriptEntry(kind: .promptSuggestion, text: summary(suggestion), createdAt: createdAt))
                }
            case "control_request":
                if let request = PermissionRequest(event: event) {
                    entries.append(
                        TranscriptEntry(
                            kind: .permissionRequest,
                            text: "Asks to use \(request.toolName): \(summary(inputSummary(request.input)))"
                                + " (request_id \(request.requestID))",
                            toolName: request.toolName, toolUseID: request.toolUseID, createdAt: createdAt))
                }
            default:
                continue
            }
        }
        return entries
    }

    /// Whether a `user` event is something a person (or a controller) said, not a tool's result.
    package static func isPrompt(_ event: JSONValue) -> Bool {
        userEntries(event, createdAt: nil).contains { $0.kind == .user }
    }

    private static func userEntries(_ event: JSONValue, createdAt: String?) -> [TranscriptEntry] {
        let platform = event["client_platform"]?.stringValue
        let origin = MessageOrigin(clientPlatform: platform)
        switch event["message"]?["content"] {
        case .string(let text):
            return [TranscriptEntry(kind: .user, text: text, createdAt: createdAt, sender: origin, clientPlatform: platform)]
        case .array(let blocks):
            var entries: [TranscriptEntry] = []
            var texts: [String] = []
            for block in blocks {
                switch block["type"]?.stringValue {
                case "text":
                    if let text = block["text"]?.stringValue { texts.append(text) }
                case "image":
                    texts.append("[image]")
                case "tool_result":
                    entries.append(
                        TranscriptEntry(
                            kind: .toolResult, text: summary(toolResultText(block["content"])),
                            toolUseID: block["tool_use_id"]?.stringValue,
                            isError: block["is_error"]?.boolValue ?? false, createdAt: createdAt))
                default:
                    continue
                }
            }
            if !texts.isEmpty {
                entries.insert(
                    TranscriptEntry(
                        kind: .user, text: texts.joined(separator: "\n"), createdAt: createdAt, sender: origin,
                        clientPlatform: platform), at: 0)
            }
            return entries
        default:
            return []
        }
    }

    private static func assistantEntries(_ event: JSONValue, createdAt: String?) -> [TranscriptEntry] {
        guard let blocks = event["message"]?["content"]?.arrayValue else { return [] }
        var entries: [TranscriptEntry] = []
        for block in blocks {
            switch block["type"]?.stringValue {
            case "text":
                if let text = block["text"]?.stringValue, !text.isEmpty {
                    entries.append(TranscriptEntry(kind: .assistant, text: text, createdAt: createdAt))
                }
            case "tool_use":
                let name = block["name"]?.stringValue ?? "tool"
                entries.append(
                    TranscriptEntry(
                        kind: .toolUse, text: "\(name): \(summary(inputSummary(block["input"] ?? .null)))",
                        toolName: name, toolUseID: block["id"]?.stringValue, createdAt: createdAt))
            default:
                continue  // thinking, tool_reference, and block types we do not know
            }
        }
        return entries
    }

    /// The assistant's text blocks of one event, joined.
    package static func assistantText(_ event: JSONValue) -> String {
        guard let blocks = event["message"]?["content"]?.arrayValue else { return "" }
        return blocks.compactMap { $0["type"]?.stringValue == "text" ? $0["text"]?.stringValue : nil }
            .joined(separator: "\n")
    }

    /// A tool input in one line: the command or path when there is one, else compact JSON.
    package static func inputSummary(_ input: JSONValue) -> String {
        for key in ["command", "file_path", "path", "url", "pattern", "query", "description"] {
            if let value = input[key]?.stringValue { return value }
        }
        return input.jsonText()
    }

    private static func toolResultText(_ content: JSONValue?) -> String {
        switch content {
        case .string(let text): return text
        case .array(let blocks):
            return blocks.compactMap { $0["text"]?.stringValue ?? ($0["type"]?.stringValue).map { "[\($0)]" } }
                .joined(separator: "\n")
        case .none, .null: return ""
        case .some(let other): return other.jsonText()
        }
    }

    package static func summary(_ text: String) -> String {
        let oneLine = text.split(whereSeparator: \.isNewline).joined(separator: " ⏎ ")
        guard oneLine.count > summaryLimit else { return oneLine }
        return String(oneLine.prefix(summaryLimit)) + "… (\(text.count) chars)"
    }
}
