import CCTapCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Asks the person at the MCP client (`elicitation/create`, form mode) for the answer to a dialog or
/// a form a remote session waits on, and answers the session with what they chose: never a model's
/// guess, since the client shows the form to its person. Used by the waits, only when the client
/// declared elicitation; without it they return `waiting_for_input` as before.
struct InputAsker: Sendable {
    /// What the client's person did with a form (`elicitation/create`'s result).
    struct Answer: Sendable, Equatable {
        enum Action: String, Sendable { case accept, decline, cancel }
        var action: Action
        var content: JSONValue? = nil

        /// The client's result, or nil when it is not one.
        init?(_ result: JSONValue) {
            guard let action = result["action"]?.stringValue.flatMap(Action.init(rawValue:)) else { return nil }
            self.action = action
            content = result["content"]
        }

        init(action: Action, content: JSONValue? = nil) {
            self.action = action
            self.content = content
        }
    }

    /// The client's form: its person's action and content. `schema` is the form's JSON Schema.
    let ask: @Sendable (_ message: String, _ schema: JSONValue) async throws -> Answer

    /// A form for a request, or nil when a form cannot carry it (a kind cc-tap cannot answer, or an
    /// elicitation that sends its person to a URL).
    static func form(for input: WorkerRequest, session: String) -> (message: String, schema: JSONValue)? {
        switch input.kind {
        case .elicitation:
            guard input.mode != "url" else { return nil }
            // The form as MCP restricts it: an object of the request's properties, required and titles.
            let given = input.requestedSchema ?? [:]
            var schema: [String: JSONValue] = ["type": "object", "properties": given["properties"] ?? [:]]
            for key in ["required", "title", "description"] { if let value = given[key] { schema[key] = value } }
            return (
                "Claude Code session \(session): \(input.serverName ?? "an MCP server") asks: \(input.message ?? "(no message)")",
                .object(schema))
        case .dialog:
            // The payload's shape is not known beyond the SDK's `Record<string, unknown>`: offer its
            // `options` as choices when it lists strings, else ask for the answer as text.
            let options = input.payload?["options"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let field: JSONValue =
                options.isEmpty
                ? ["type": "string", "title": "Your answer"]
                : ["type": "string", "title": "Your choice", "enum": .array(options.map { .string($0) })]
            return (
                "Claude Code session \(session) shows a dialog. \(input.summary)",
                ["type": "object", "properties": ["answer": field], "required": ["answer"]])
        case .other:
            return nil
        }
    }

    /// The answer for the remote session from the person's action on the form.
    static func answer(for input: WorkerRequest, _ result: Answer) -> (InputAction, JSONValue?) {
        let content = result.content
        switch (input.kind, result.action) {
        case (.dialog, .accept): return (.complete, content?["answer"])
        case (.dialog, _): return (.cancel, nil)
        case (_, .accept): return (.accept, content ?? [:])
        case (_, .decline): return (.decline, nil)
        case (_, .cancel): return (.cancel, nil)
        }
    }
}

enum InputRelay {
    /// At most this many requests are relayed in one call, so a session that keeps asking cannot hold
    /// the call forever.
    static let maxRelays = 5

    /// The person's answer, or nil when the client fails or `seconds` pass first (a form left open
    /// must not hold the call past the time its caller gave it).
    static func ask(
        _ asker: InputAsker, _ form: (message: String, schema: JSONValue), within seconds: Double
    ) async -> InputAsker.Answer? {
        let (answers, answer) = AsyncStream.makeStream(of: InputAsker.Answer?.self)
        let asking = Task {
            answer.yield(try? await asker.ask(form.message, form.schema))
            answer.finish()
        }
        let timer = Task {
            try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1_000_000_000))
            answer.yield(nil)
            answer.finish()
        }
        var first: InputAsker.Answer?? = nil
        for await chosen in answers {
            first = chosen
            break
        }
        asking.cancel()
        timer.cancel()
        return first ?? nil
    }

    /// While `result` waits for input the client's person can give, asks them, answers the session,
    /// and waits on from the result's cursor for what remains of `seconds`.
    static func relay(_ result: WaitResult, call: ToolCall, seconds: Double, started: Date) async throws -> WaitResult {
        guard let asker = call.asker else { return result }
        var result = result
        var told: [String] = []
        for _ in 0..<maxRelays {
            let left = seconds - Date().timeIntervalSince(started)
            guard result.status == .waitingForInput, left > 1, let input = result.pendingInputs.first,
                let form = InputAsker.form(for: input, session: result.sessionID)
            else { break }
            // The message is sent: whatever becomes of the form, the result (with its cursor) goes back.
            guard let chosen = await ask(asker, form, within: left) else {
                result.hint += " The person did not answer the form shown through this client within the call's time "
                    + "(or the client could not show it); answer the request with respond_to_input."
                break
            }
            let (action, value) = InputAsker.answer(for: input, chosen)
            let answered: InputResponseResult
            do {
                answered = try await call.tap.respondToInput(result.sessionID, requestID: input.requestID, action: action, value: value)
            } catch let error as TapError {
                result.hint += " The person's answer through this client was not sent: \(error.message)"
                return result
            }
            told.append("\(action.rawValue) to \(input.subtype) \(input.requestID) (\(answered.status.rawValue))")
            let rest = max(0, seconds - Date().timeIntervalSince(started))
            result = try await ProgressSink.reporting(call.progress) { progress in
                try await call.tap.waitForReply(result.sessionID, cursor: result.cursor, timeout: rest, progress: progress)
            }
        }
        if !told.isEmpty {
            result.hint = "The person answered through this client: \(told.joined(separator: "; ")). " + result.hint
        }
        return result
    }
}
