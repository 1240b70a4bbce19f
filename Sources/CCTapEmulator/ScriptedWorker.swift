#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The scripted worker: answers user messages the way a Claude Code session does.
///
/// A turn sets `session_status` to `running`, emits `system`/`init`, streams the reply as several
/// `assistant` copies of one `message.id` (growing text, `stop_reason` null until the last), and
/// ends with a `result` (zeros for cost and duration, as a Remote Control bridge sends), then goes
/// back to `idle`. What the user says picks the script:
/// - contains "permission" or starts with "run ": asks to run a Bash command (`can_use_tool`,
///   `requires_action`) and continues after the answer;
/// - contains "until stopped": streams for two minutes, so an interrupt always lands mid-turn however
///   slow the machine (tests of interrupts use it rather than a race against a timed turn);
/// - contains "slow": streams for `slowTurnSeconds`;
/// - contains "fail": ends the turn with an error result;
/// - contains "dialog": blocks on a `request_user_dialog` control request until it is answered
///   (`completed` or `cancelled`; an error answer is discarded and the dialog stays open);
/// - contains "elicit": an MCP server of the session asks a form (`elicitation`) until it is answered
///   (`accept` with content, `decline`, `cancel`);
/// - contains "question": asks through the `AskUserQuestion` tool (a `can_use_tool` prompt whose
///   answer carries `updatedInput.answers`);
/// - anything else: a short reply quoting the message.
/// Messages that arrive during a turn are queued; an interrupt ends the current turn with an
/// error result, as the reference describes.
extension EmulatorStore {
    func enqueueUserMessage(_ sessionID: String, text: String) {
        guard let session = sessions[sessionID] else { return }
        session.queue.append(text)
        startWorkerIfIdle(sessionID)
    }

    /// Starts the worker on what is queued, unless it runs already or no worker is attached (a message
    /// to a disconnected session waits, and is taken up when its machine reconnects).
    func startWorkerIfIdle(_ sessionID: String) {
        guard let session = sessions[sessionID], session.resource["connection_status"]?.stringValue == "connected",
            !session.queue.isEmpty
        else { return }
        guard !session.workerBusy else { return }
        session.workerBusy = true
        Task { await self.runWorker(sessionID) }
    }

    func recordAnswer(_ sessionID: String, requestID: String, response: JSON) {
        guard let session = sessions[sessionID] else { return }
        if session.turnRunning {
            session.answers[requestID] = response
            return
        }
        // A prompt left pending from before (the seeded one): resume that turn with the answer.
        guard let prompt = session.events.last(where: { $0.body["request_id"]?.stringValue == requestID && $0.body["type"]?.stringValue == "control_request" }),
            !session.workerBusy
        else { return }
        session.workerBusy = true
        session.turnRunning = true
        session.interruptRequested = false
        session.answers[requestID] = response
        Task {
            do {
                try await self.finishPermissionTurn(sessionID, prompt: prompt.body["request"] ?? [:], requestID: requestID, model: "claude-sonnet-4-5")
            } catch {
                self.append(sessionID, Events.interruptedUser(sessionID: sessionID))
                self.append(sessionID, Events.result(sessionID: sessionID, subtype: "error_during_execution", isError: true, text: nil))
            }
            self.setStatus(sessionID, "idle")
            self.sessions[sessionID]?.turnRunning = false
            self.sessions[sessionID]?.workerBusy = false
            if self.sessions[sessionID]?.queue.isEmpty == false {
                self.sessions[sessionID]?.workerBusy = true
                await self.runWorker(sessionID)
            }
        }
    }

    /// The worker's answer to a controller's `control_request`, by the REPL bridge's dispatch table
    /// (PROTOCOL.md §9): `success` for what it handles, an error naming the subtype otherwise.
    /// A session without a connected worker answers nothing.
    func dispatchControl(_ sessionID: String, _ event: JSON) {
        guard let session = sessions[sessionID], session.resource["connection_status"]?.stringValue == "connected",
            let requestID = event["request_id"]?.stringValue
        else { return }
        let subtype = event["request"]?["subtype"]?.stringValue ?? ""
        var response: JSON = ["subtype": "success", "request_id": .string(requestID)]
        switch subtype {
        case "interrupt":
            _ = requestInterrupt(sessionID)
            response["response"] = ["still_queued": []]
        case "set_permission_mode":
            // Emulator choice: the worker checks the mode against the six current CLIs know.
            let mode = event["request"]?["mode"]?.stringValue ?? ""
            if ["default", "plan", "acceptEdits", "auto", "dontAsk", "bypassPermissions"].contains(mode) {
                session.resource["permission_mode"] = .string(mode)
                response["response"] = ["mode": .string(mode)]
            } else {
                response["subtype"] = "error"
                response["error"] = .string("Invalid permission mode: \(mode)")
            }
        case "set_model":
            // Emulator choice: any name is taken, and the session's config shows it from then on.
            let model = event["request"]?["model"]?.stringValue ?? ""
            var context = session.resource["session_context"] ?? [:]
            context["model"] = .string(model)
            session.resource["session_context"] = context
            response["response"] = [:]
            noteSessionChanged(sessionID)
        case _ where Self.bridgeDispatch.contains(subtype):
            response["response"] = [:]
        default:
            response["subtype"] = "error"
            response["error"] = .string("REPL bridge does not handle control_request subtype: \(subtype)")
        }
        append(sessionID, ["type": "control_response", "response": response])
    }

    static let bridgeDispatch: Set<String> = [
        "initialize", "set_model", "set_max_thinking_tokens", "set_permission_mode", "rename_session", "set_color",
        "file_suggestions", "read_file", "get_context_usage", "get_usage", "mcp_status", "mcp_authenticate",
        "mcp_oauth_callback_url", "mcp_reconnect", "interrupt",
    ]

    /// Stops the running turn, or the queued one about to start; false when there is neither.
    func requestInterrupt(_ sessionID: String) -> Bool {
        guard let session = sessions[sessionID], session.turnRunning || !session.queue.isEmpty else { return false }
        session.interruptRequested = true
        return true
    }

    func runWorker(_ sessionID: String) async {
        while let session = sessions[sessionID], !session.queue.isEmpty {
            let text = session.queue.removeFirst()
            session.turnRunning = true
            if configuration.world == .late2026 {
                // An empty `client_event` at the stream's position as a turn begins (late-2026 §5: such
                // frames only move the position; when the service sends them is not known).
                streamToAll(sessionID, .positionOnly(newestSequence(sessionID)))
            }
            await runTurn(sessionID, text: text)
            session.turnRunning = false
            session.interruptRequested = false  // an interrupt stops one turn
        }
        sessions[sessionID]?.workerBusy = false
    }

    private struct Interrupted: Error {}

    /// Waits `seconds` (a worker step by default), in short slices so an interrupt ends the turn as
    /// soon as it arrives, not when a long pause is over.
    private func step(_ sessionID: String, seconds: Double? = nil) async throws {
        var remaining = seconds ?? configuration.workerStepSeconds
        repeat {
            let slice = min(remaining, 0.05)
            try? await Task.sleep(nanoseconds: UInt64(slice * 1_000_000_000))
            remaining -= slice
            if sessions[sessionID]?.interruptRequested == true { throw Interrupted() }
        } while remaining > 0
    }

    private func runTurn(_ sessionID: String, text: String) async {
        let lower = text.lowercased()
        let model = sessions[sessionID]?.resource["session_context"]?["model"]?.stringValue ?? "claude-sonnet-4-5"
        do {
            try await step(sessionID)
            setStatus(sessionID, "running")
            append(sessionID, Events.systemInit(sessionID: sessionID, model: model))
            if configuration.world == .late2026 && text.trimmed == "/compact" {
                try await compactAndReplace(sessionID)
            } else if lower.contains("permission") || lower.hasPrefix("run ") {
                try await permissionTurn(sessionID, text: text, model: model)
            } else if lower.contains("dialog") {
                try await dialogTurn(sessionID, model: model)
            } else if lower.contains("elicit") {
                try await elicitationTurn(sessionID, model: model)
            } else if lower.contains("question") {
                try await questionTurn(sessionID, model: model)
            } else {
                let reply: String
                if lower.contains("fail") {
                    reply = "I ran into a problem and could not finish."
                } else {
                    reply = "You said: \(text)\nThis is the emulator's scripted worker answering."
                }
                let pause: Double? =
                    lower.contains("until stopped") ? 60 : lower.contains("slow") ? configuration.slowTurnSeconds / 4 : nil
                try await streamAssistant(sessionID, text: reply, model: model, pause: pause)
                if lower.contains("fail") {
                    append(sessionID, Events.result(sessionID: sessionID, subtype: "error_max_turns", isError: true, text: nil))
                } else {
                    append(sessionID, Events.result(sessionID: sessionID, subtype: "success", isError: false, text: reply))
                }
            }
        } catch {
            append(sessionID, Events.interruptedUser(sessionID: sessionID))
            append(sessionID, Events.result(sessionID: sessionID, subtype: "error_during_execution", isError: true, text: nil))
        }
        setStatus(sessionID, "idle")
    }

    /// Streams `text` as three growing copies of one assistant message.
    /// The reply in three growing parts. Mid 2026: each part is a stored `assistant` copy with the
    /// same message id. Late 2026 (late-2026 §5): the parts go out as `ephemeral_event` frames
    /// (`stream_event` text deltas, each the whole text so far) and only the whole reply is stored.
    private func streamAssistant(_ sessionID: String, text: String, model: String, pause: Double?) async throws {
        let messageID = "msg_" + IDs.random()
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        let cuts = [max(1, words.count / 3), max(1, 2 * words.count / 3), words.count]
        if configuration.world == .late2026 {
            for cut in cuts.dropLast() {
                let partial = words.prefix(cut).joined(separator: " ")
                streamToAll(sessionID, .ephemeral(Events.textDelta(sessionID: sessionID, text: partial)))
                do {
                    try await step(sessionID, seconds: pause)
                } catch {
                    // Interrupted: what was said so far is stored, marked aborted (the capture's order).
                    var aborted = Events.assistant(
                        sessionID: sessionID, messageID: messageID, model: model, content: [["type": "text", "text": .string(partial)]],
                        stopReason: nil)
                    aborted["aborted"] = true
                    append(sessionID, aborted)
                    throw error
                }
            }
            append(sessionID, Events.assistant(
                sessionID: sessionID, messageID: messageID, model: model, content: [["type": "text", "text": .string(text)]],
                stopReason: "end_turn"))
            return
        }
        for (index, cut) in cuts.enumerated() {
            let last = index == cuts.count - 1
            let partial = words.prefix(cut).joined(separator: " ")
            append(sessionID, Events.assistant(
                sessionID: sessionID, messageID: messageID, model: model,
                content: [["type": "text", "text": .string(partial)]], stopReason: last ? "end_turn" : nil))
            if !last { try await step(sessionID, seconds: pause) }
        }
    }

    /// `/compact` in the late world (late-2026 §4): the worker compacts, then Remote Control archives this
    /// server session and starts a new one for the conversation, with the same title and environment
    /// and none of the old events. The new session names no link to the old (none is published).
    private func compactAndReplace(_ sessionID: String) async throws {
        append(sessionID, ["type": "system", "subtype": "compact_boundary", "uuid": .string(IDs.uuid()),
                           "compact_metadata": ["trigger": "manual"]])
        append(sessionID, Events.result(sessionID: sessionID, subtype: "success", isError: false, text: "Compacted."))
        try await step(sessionID)
        guard let old = sessions[sessionID] else { return }
        replacedSessions += 1
        let id = "session_01HReplaced" + replacedSessions.zeroPadded(15)
        var resource = Seed.resource(
            id: id, title: old.resource["title"]?.stringValue ?? "", status: "idle", connected: true, minutesAgo: 0,
            cwd: old.resource["session_context"]?["cwd"]?.stringValue ?? "/home/user/project")
        resource["environment_id"] = old.resource["environment_id"]
        resource["created_at"] = .string(Clock.timestamp())
        _ = addSession(resource)
        noteSessionChanged(id)
        _ = archive(sessionID)
    }

    private func permissionTurn(_ sessionID: String, text: String, model: String) async throws {
        let command = text.lowercased().hasPrefix("run ") ? String(text.dropFirst(4)) : "ls -la"
        let toolUseID = "toolu_" + IDs.random()
        let requestID = IDs.uuid()  // differs from the tool_use_id, as on the real service
        let input: JSON = ["command": .string(command), "description": "Run the command the user asked for"]
        append(sessionID, Events.assistant(
            sessionID: sessionID, messageID: "msg_" + IDs.random(), model: model,
            content: [
                ["type": "text", "text": .string("I'll run `\(command)`.")],
                ["type": "tool_use", "id": .string(toolUseID), "name": "Bash", "input": input],
            ], stopReason: "tool_use"))
        try await step(sessionID)
        // The suggestion Claude Code makes for a command: allow exactly it for the rest of the session
        // (SDK types: `PermissionUpdate` addRules). A rule added by an earlier "always" is not asked again.
        let rule: JSON = ["toolName": "Bash", "ruleContent": .string(command)]
        if sessions[sessionID]?.allowRules.contains("Bash(\(command))") == true {
            try await ranCommand(sessionID, command: command, toolUseID: toolUseID, model: model)
            return
        }
        let request: JSON = [
            "subtype": "can_use_tool", "tool_name": "Bash", "input": input, "tool_use_id": .string(toolUseID),
            "description": .string("Run \(command)"), "decision_reason_type": "other",
            "permission_suggestions": [["type": "addRules", "rules": [rule], "behavior": "allow", "destination": "session"]],
        ]
        append(sessionID, ["type": "control_request", "request_id": .string(requestID), "request": request])
        try await finishPermissionTurn(sessionID, prompt: request, requestID: requestID, model: model)
    }

    /// A blocking `request_user_dialog` in the SDK's shape (`{dialog_kind, payload, tool_use_id?}`; the
    /// kind and the payload's fields are an emulator choice: no source shows a real one). It waits for a
    /// success answer, `completed` with a result or `cancelled`; an error answer is discarded and the
    /// dialog stays open (SDK types), so the worker waits on.
    private func dialogTurn(_ sessionID: String, model: String) async throws {
        let requestID = IDs.uuid()
        append(sessionID, [
            "type": "control_request", "request_id": .string(requestID),
            "request": [
                "subtype": "request_user_dialog", "dialog_kind": "confirm",
                "payload": [
                    "title": "Continue with the migration?", "message": "The next step rewrites the schema.",
                    "options": ["Continue", "Stop"],
                ],
            ],
        ])
        var answer = try await awaitAnswer(sessionID, requestID: requestID)
        while answer["subtype"]?.stringValue == "error" {
            setStatus(sessionID, "requires_action")
            answer = try await awaitAnswer(sessionID, requestID: requestID)
        }
        let inner = answer["response"] ?? [:]
        let reply: String
        if inner["behavior"]?.stringValue == "completed" {
            reply = "Thanks, continuing with the migration (you chose \(inner["result"]?.stringValue ?? inner["result"]?.jsonText() ?? "nothing"))."
        } else {
            reply = "The dialog was cancelled; I stopped before the migration."
        }
        try await streamAssistant(sessionID, text: reply, model: model, pause: nil)
        append(sessionID, Events.result(sessionID: sessionID, subtype: "success", isError: false, text: reply))
    }

    /// An MCP server of the session asks its user a form (`elicitation`, SDK types: `{mcp_server_name,
    /// message, mode, url?, elicitation_id?, requested_schema?}`), answered `{action, content?}`.
    private func elicitationTurn(_ sessionID: String, model: String) async throws {
        let requestID = IDs.uuid()
        append(sessionID, [
            "type": "control_request", "request_id": .string(requestID),
            "request": [
                "subtype": "elicitation", "mcp_server_name": "deploy-tools", "mode": "form",
                "message": "Where should the release go?", "elicitation_id": .string("elicit_" + IDs.random()),
                "requested_schema": [
                    "type": "object",
                    "properties": [
                        "environment": ["type": "string", "title": "Environment", "enum": ["staging", "production"]],
                        "replicas": ["type": "integer", "title": "Replicas", "minimum": 1, "maximum": 10],
                        "notify": ["type": "boolean", "title": "Tell the team"],
                    ],
                    "required": ["environment"],
                ],
            ],
        ])
        let answer = try await awaitAnswer(sessionID, requestID: requestID)
        let inner = answer["response"] ?? [:]
        let action = answer["subtype"]?.stringValue == "error" ? "decline" : (inner["action"]?.stringValue ?? "decline")
        let reply: String =
            switch action {
            case "accept":
                "Releasing to \(inner["content"]?["environment"]?.stringValue ?? "the default environment")"
                    + (inner["content"]?["replicas"]?.intValue.map { " with \($0) replicas" } ?? "") + "."
            case "cancel": "The form was dismissed; nothing was released."
            default: "You declined; nothing was released."
            }
        try await streamAssistant(sessionID, text: reply, model: model, pause: nil)
        append(sessionID, Events.result(sessionID: sessionID, subtype: "success", isError: false, text: reply))
    }

    /// The AskUserQuestion tool, which reaches a controller as a `can_use_tool` prompt.
    private func questionTurn(_ sessionID: String, model: String) async throws {
        let toolUseID = "toolu_" + IDs.random()
        let input: JSON = [
            "questions": [[
                "question": "Which database should the service use?", "header": "Database", "multiSelect": false,
                "options": [
                    ["label": "Postgres", "description": "The team's default"],
                    ["label": "SQLite", "description": "One file, no server"],
                ],
            ]],
        ]
        append(sessionID, Events.assistant(
            sessionID: sessionID, messageID: "msg_" + IDs.random(), model: model,
            content: [["type": "tool_use", "id": .string(toolUseID), "name": "AskUserQuestion", "input": input]],
            stopReason: "tool_use"))
        try await step(sessionID)
        let requestID = IDs.uuid()
        let request: JSON = [
            "subtype": "can_use_tool", "tool_name": "AskUserQuestion", "input": input, "tool_use_id": .string(toolUseID),
            "permission_suggestions": [],
        ]
        append(sessionID, ["type": "control_request", "request_id": .string(requestID), "request": request])
        try await finishPermissionTurn(sessionID, prompt: request, requestID: requestID, model: model)
    }

    /// Sets `requires_action` and waits until a controller answers `requestID`; then `running` again.
    private func awaitAnswer(_ sessionID: String, requestID: String) async throws -> JSON {
        setStatus(sessionID, "requires_action")
        var answer: JSON?
        while answer == nil {
            try await step(sessionID, seconds: 0.01)
            answer = sessions[sessionID]?.answers.removeValue(forKey: requestID)
        }
        setStatus(sessionID, "running")
        return answer ?? [:]
    }

    /// Waits for the answer to a `can_use_tool` prompt, then runs (or skips) the tool and ends the turn.
    func finishPermissionTurn(_ sessionID: String, prompt: JSON, requestID: String, model: String) async throws {
        let command = prompt["input"]?["command"]?.stringValue ?? "true"
        let toolUseID = prompt["tool_use_id"]?.stringValue ?? ""
        let answer: JSON? = try await awaitAnswer(sessionID, requestID: requestID)["response"]
        let allowed = answer?["behavior"]?.stringValue == "allow"
        // "Always allow": the rules the answer sends back are kept for the rest of the session.
        for update in allowed ? answer?["updatedPermissions"]?.arrayValue ?? [] : []
        where update["type"]?.stringValue == "addRules" && update["behavior"]?.stringValue == "allow" {
            for rule in update["rules"]?.arrayValue ?? [] {
                let tool = rule["toolName"]?.stringValue ?? ""
                let rendered = rule["ruleContent"]?.stringValue.map { "\(tool)(\($0))" } ?? tool
                sessions[sessionID]?.allowRules.insert(rendered)
            }
        }
        if prompt["tool_name"]?.stringValue == "AskUserQuestion" {
            let answers = answer?["updatedInput"]?["answers"]?.objectValue ?? [:]
            let chosen = answers.values.compactMap(\.stringValue).joined(separator: ", ")
            let output = allowed && !chosen.isEmpty ? "The user answered: \(chosen)" : "The user declined to answer."
            append(sessionID, [
                "type": "user", "uuid": .string(IDs.uuid()), "parent_tool_use_id": nil,
                "message": ["role": "user", "content": [
                    ["type": "tool_result", "tool_use_id": .string(toolUseID), "content": .string(output), "is_error": .bool(!allowed)],
                ]],
            ])
            try await step(sessionID)
            let reply = allowed && !chosen.isEmpty ? "Going with \(chosen)." : "I'll pick a default then."
            try await streamAssistant(sessionID, text: reply, model: model, pause: nil)
            append(sessionID, Events.result(sessionID: sessionID, subtype: "success", isError: false, text: reply))
            return
        }
        try await reportCommand(
            sessionID, proposed: command, ran: allowed ? (answer?["updatedInput"]?["command"]?.stringValue ?? command) : nil,
            denial: answer?["message"]?.stringValue, toolUseID: toolUseID, model: model)
    }

    /// A command a rule of the session allows: it runs without asking.
    func ranCommand(_ sessionID: String, command: String, toolUseID: String, model: String) async throws {
        try await reportCommand(sessionID, proposed: command, ran: command, denial: nil, toolUseID: toolUseID, model: model)
    }

    /// The tool's result (run, or denied when `ran` is nil) and the reply that ends the turn.
    private func reportCommand(
        _ sessionID: String, proposed command: String, ran: String?, denial: String?, toolUseID: String, model: String
    ) async throws {
        let allowed = ran != nil
        let output = ran.map { "total 3\n-rw-r--r-- 1 user user 42 README.md\n(ran: \($0))" } ?? (denial ?? "Denied by user")
        append(sessionID, [
            "type": "user", "uuid": .string(IDs.uuid()), "parent_tool_use_id": nil,
            "message": ["role": "user", "content": [
                ["type": "tool_result", "tool_use_id": .string(toolUseID), "content": .string(output), "is_error": .bool(!allowed)],
            ]],
            "tool_use_result": allowed ? ["stdout": .string(output), "stderr": ""] : .string("Error: \(output)"),
        ])
        try await step(sessionID)
        let reply = ran.map { "The command `\($0)` ran; it listed one file." } ?? "Understood, I did not run `\(command)`."
        try await streamAssistant(sessionID, text: reply, model: model, pause: nil)
        append(sessionID, Events.result(sessionID: sessionID, subtype: "success", isError: false, text: reply))
    }
}

/// Event bodies as Claude Code writes them (Agent SDK stream-json messages).
enum Events {
    static func systemInit(sessionID: String, model: String) -> JSON {
        [
            "type": "system", "subtype": "init", "uuid": .string(IDs.uuid()), "cwd": "/home/user/project",
            "model": .string(model), "permissionMode": "default", "claude_code_version": "2.1.88",
            "tools": ["Bash", "Read", "Edit", "Write", "Grep", "Glob"], "mcp_servers": [], "slash_commands": [],
            "apiKeySource": "none",
        ]
    }

    static func assistant(sessionID: String, messageID: String, model: String, content: [JSON], stopReason: String?) -> JSON {
        [
            "type": "assistant", "uuid": .string(IDs.uuid()), "parent_tool_use_id": nil,
            "message": [
                "id": .string(messageID), "type": "message", "role": "assistant", "model": .string(model),
                "content": .array(content), "stop_reason": stopReason.map(JSON.string) ?? .null, "stop_sequence": nil,
                "usage": ["input_tokens": 12, "output_tokens": 34, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0],
            ],
        ]
    }

    /// An `ephemeral_event` frame's body carrying a text delta, as a September 2026 capture of a stream
    /// shows it: `{event_type: "stream_event", payload: {type: "stream_event", event: {type:
    /// "content_block_delta", index, delta: {type: "text_delta", text}}, …}, timestamp, source}`.
    static func textDelta(sessionID: String, text: String) -> JSON {
        [
            "event_type": "stream_event",
            "payload": [
                "type": "stream_event", "uuid": .string(IDs.uuid()), "session_id": .string(sessionID), "parent_tool_use_id": nil,
                "event": ["type": "content_block_delta", "index": 0, "delta": ["type": "text_delta", "text": .string(text)]],
            ],
            "timestamp": .string(Clock.timestamp()), "source": "worker",
        ]
    }

    static func user(_ text: String) -> JSON {
        ["type": "user", "uuid": .string(IDs.uuid()), "parent_tool_use_id": nil, "message": ["role": "user", "content": .string(text)]]
    }

    static func interruptedUser(sessionID: String) -> JSON {
        [
            "type": "user", "uuid": .string(IDs.uuid()), "isSynthetic": true, "parent_tool_use_id": nil,
            "message": ["role": "user", "content": [["type": "text", "text": "[Request interrupted by user]"]]],
        ]
    }

    /// A Remote Control bridge's synthetic result: a turn boundary with zeros for cost and time.
    static func result(sessionID: String, subtype: String, isError: Bool, text: String?) -> JSON {
        var body: JSON = [
            "type": "result", "subtype": .string(subtype), "is_error": .bool(isError), "uuid": .string(IDs.uuid()),
            "duration_ms": 0, "duration_api_ms": 0, "num_turns": 0, "total_cost_usd": 0,
            "usage": ["input_tokens": 0, "output_tokens": 0], "permission_denials": [],
            "stop_reason": isError ? nil : "end_turn",
        ]
        if let text { body["result"] = .string(text) }
        if isError { body["errors"] = .array([.string(subtype == "error_during_execution" ? "Request interrupted" : "Turn failed")]) }
        return body
    }
}
