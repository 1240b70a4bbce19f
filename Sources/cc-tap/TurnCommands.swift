import ArgumentParser
import CCTapCore
import CCTapRendering
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `cc-tap send`: send a message, as an agent unless told it is the person's words; with --wait, wait for the reply.
struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Send a message to a session, and optionally wait for the reply.")

    @Argument(help: "Session id.")
    var id: String

    @Argument(help: "The message.")
    var message: String

    @Flag(help: "Wait for the reply (until the turn ends, a permission prompt, or the timeout).")
    var wait = false

    @Option(help: "Seconds to wait with --wait.")
    var timeout = 120.0

    @Flag(
        help: """
            Send the words as yours, typed by you (the session's model then treats them as its user's). Without it, cc-tap sends as an agent, another session's message, which is right for anything a program or a model wrote.
            """)
    var asPerson = false

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let sender: MessageSender? = asPerson ? .person : nil
        if wait {
            try await options.run(session: id, human: Render.wait) { tap in
                try await tap.sendAndWait(id, message: message, timeout: timeout, sender: sender)
            }
        } else {
            try await options.run(session: id, human: Render.sent) { tap in try await tap.sendMessage(id, message: message, sender: sender) }
        }
    }
}

/// `cc-tap wait`: go on waiting for a turn from the cursor a send or an earlier wait gave.
struct Wait: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Wait for a session's turn to end, from the cursor a send or an earlier wait printed.")

    @Argument(help: "Session id.")
    var id: String

    @Option(help: "Where to wait from: the cursor a send or an earlier wait printed (default: now, following the turn that runs).")
    var cursor: String?

    @Option(help: "Seconds to wait (\(Int(SecondsSetting.wait.range.upperBound)) at most).")
    var timeout = 120.0

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await options.run(session: id, human: Render.wait) { tap in
            let from: String
            if let cursor { from = cursor } else { from = try await tap.latestCursor(id) }
            return try await tap.waitForReply(id, cursor: from, timeout: timeout)
        }
    }
}

/// `cc-tap interrupt`: stop the turn a session is running, like its Stop button.
struct Interrupt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop the turn a session is running, like its Stop button.")

    @Argument(help: "Session id.")
    var id: String

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let wording = Wording.cli(session: id)
        try await options.run(wording, human: { Render.interrupt($0, wording) }) { tap in try await tap.interrupt(id) }
    }
}

/// `cc-tap respond`: answer a tool-permission prompt a session waits on.
struct Respond: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Allow or deny a tool-permission prompt (its request_id is shown by `info` and by waits).")

    @Argument(help: "Session id.")
    var id: String

    @Argument(help: "The prompt's request_id.")
    var requestID: String

    @Argument(help: "allow or deny.")
    var decision: PermissionDecision

    @Option(help: "With deny: why, for the model to read.")
    var message: String?

    @Option(help: "With allow: the tool's input to use instead of the proposed one, as a JSON object.")
    var updatedInput: String?

    @Flag(help: "With allow: keep allowing what the prompt suggests (shown as `always would:` by `info` and waits).")
    var always = false

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await options.run(session: id, human: Render.permissionResponse) { tap in
            let input = try updatedInput.map { try parsedJSON($0, option: "--updated-input") }
            return try await tap.respondToPermission(
                id, requestID: requestID, decision: decision, message: message, updatedInput: input, always: always)
        }
    }
}

/// `cc-tap respond-input`: answer a dialog or an MCP server's form a session waits on.
struct RespondInput: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "respond-input",
        abstract: "Answer a dialog (complete|cancel) or a form (accept|decline|cancel) a session waits on.",
        discussion: """
            The request_id, what it asks and the actions it takes are shown by `info` and by waits under \
            "waiting for input". A dialog's result and a form's content are given with --result as JSON; a \
            form's content is checked against the form before anything is sent.
            """)

    @Argument(help: "Session id.")
    var id: String

    @Argument(help: "The request's request_id.")
    var requestID: String

    @Argument(help: "complete or cancel (a dialog); accept, decline or cancel (a form).")
    var action: InputAction

    @Option(help: "With complete: the dialog's result; with accept: the form's content (a JSON object). JSON.")
    var result: String?

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        try await options.run(session: id, human: Render.inputResponse) { tap in
            let value = try result.map {
                try parsedJSON($0, option: "--result", hint: " (a string needs its quotes: --result '\"Continue\"')")
            }
            return try await tap.respondToInput(id, requestID: requestID, action: action, value: value)
        }
    }
}

/// An option's JSON, or a usage error naming the option.
private func parsedJSON(_ text: String, option: String, hint: String = "") throws -> JSONValue {
    guard let value = JSONValue.parse(Data(text.utf8)) else { throw ValidationError("\(option) is not JSON\(hint).") }
    return value
}

extension InputAction: ExpressibleByArgument {}

extension PermissionDecision: ExpressibleByArgument {}
