/// A tool-permission prompt (`control_request` with subtype `can_use_tool`) waiting for an answer.
public struct PermissionRequest: Codable, Sendable, Equatable {
    /// The `control_request`'s `request_id`: what an answer must carry. It is not the tool_use_id.
    public var requestID: String
    public var toolName: String
    public var toolUseID: String?
    /// The tool's input as the worker proposed it.
    public var input: JSONValue
    public var description: String?
    public var title: String?
    public var createdAt: String?
    /// The prompt in words, for the tools whose "permission" is really a question to the user:
    /// `AskUserQuestion` (the questions with their options) and `ExitPlanMode` (the plan).
    public var summary: String?
    /// What the worker offers to keep allowing (`permission_suggestions`), sent back untouched by an
    /// "always allow"; empty when it offers nothing.
    public var suggestions: [JSONValue]
    /// The same in words, one line each, for a person to read before choosing.
    public var alwaysAllows: [String]

    enum CodingKeys: String, CodingKey {
        case input, description, title, summary
        case suggestions = "permission_suggestions"
        case alwaysAllows = "always_allows"
        case requestID = "request_id"
        case toolName = "tool_name"
        case toolUseID = "tool_use_id"
        case createdAt = "created_at"
    }

    /// Reads a `can_use_tool` control request; nil for any other event.
    package init?(event: JSONValue) {
        guard event["type"]?.stringValue == "control_request", let request = event["request"],
            request["subtype"]?.stringValue == "can_use_tool",
            let requestID = event["request_id"]?.stringValue ?? request["request_id"]?.stringValue
        else { return nil }
        self.requestID = requestID
        toolName = request["tool_name"]?.stringValue ?? request["display_name"]?.stringValue ?? "unknown tool"
        toolUseID = request["tool_use_id"]?.stringValue
        input = request["input"] ?? .object([:])
        description = request["description"]?.stringValue ?? request["decision_reason"]?.stringValue
        title = request["title"]?.stringValue
        createdAt = event["created_at"]?.stringValue
        summary = Self.summary(tool: toolName, input: input)
        suggestions = request["permission_suggestions"]?.arrayValue ?? []
        alwaysAllows = PermissionSuggestion.words(suggestions)
    }

    package static func summary(tool: String, input: JSONValue) -> String? {
        switch tool {
        case "AskUserQuestion":
            let questions = input["questions"]?.arrayValue ?? []
            guard !questions.isEmpty else { return nil }
            return questions.map { question in
                var lines = ["Question: " + (question["question"]?.stringValue ?? "(no text)")]
                if question["multiSelect"]?.boolValue == true { lines[0] += " (several answers allowed)" }
                for option in question["options"]?.arrayValue ?? [] {
                    let label = option["label"]?.stringValue ?? option.stringValue ?? "?"
                    let detail = option["description"]?.stringValue.map { ": " + $0 } ?? ""
                    lines.append("  - " + label + detail)
                }
                return lines.joined(separator: "\n")
            }.joined(separator: "\n")
        case "ExitPlanMode":
            return input["plan"]?.stringValue.map { "Plan to approve:\n" + $0 }
        default:
            return nil
        }
    }
}

/// What the answer to a permission prompt was.
public struct PermissionResponseResult: Codable, Sendable, Equatable {
    public var sessionID: String
    public var requestID: String
    public var decision: PermissionDecision
    /// Whether the answer also sent the prompt's suggestions, so the worker stops asking for them.
    public var always: Bool
    public var toolName: String
    /// Whether the worker showed, within a short wait, that it took the answer.
    public var status: ControlStatus
    /// What showed it (the tool ran, the turn ended), or the worker's words when it refused.
    public var detail: String?
    /// The event posted, for the record.
    public var sent: JSONValue
    /// What happened, and what to do next once a surface has worded `next` into it.
    public var note: String
    /// The step `note` advises, as a fact (not encoded: the surface words it into `note`).
    public var next: NextStep? = nil

    package init(
        sessionID: String, requestID: String, decision: PermissionDecision, always: Bool = false, toolName: String,
        status: ControlStatus, detail: String?, sent: JSONValue, note: String, next: NextStep? = nil
    ) {
        self.sessionID = sessionID
        self.always = always
        self.requestID = requestID
        self.decision = decision
        self.toolName = toolName
        self.status = status
        self.detail = detail
        self.sent = sent
        self.note = note
        self.next = next
    }

    enum CodingKeys: String, CodingKey {
        case decision, always, sent, note, status, detail
        case sessionID = "session_id"
        case requestID = "request_id"
        case toolName = "tool_name"
    }
}

extension PermissionResponseResult: AdvisesNextStep {
    public func worded(_ wording: Wording) -> PermissionResponseResult {
        var copy = self
        copy.note = wording.adding(next, to: note)
        copy.next = nil
        return copy
    }
}

public enum PermissionDecision: String, Codable, Sendable, CaseIterable {
    case allow, deny
}
