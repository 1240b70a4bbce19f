import ArgumentParser
import CCTapCore
import CCTapMCP
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `cc-tap wait`: go on waiting for a turn from the cursor a send or an earlier wait gave.
struct Wait: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Wait for a session's turn to end, from the cursor a send or an earlier wait printed.")

    @Argument(help: "Session id.")
    var id: String

    @Option(help: "Where to wait from (the cursor a send or an earlier wait printed).")
    var cursor: String

    @Option(help: "Seconds to wait (\(Int(SecondsSetting.wait.range.upperBound)) at most).")
    var timeout = 120.0

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let tap = try options.makeTap()
        let result = try await reportingErrors { try await tap.waitForReply(id, cursor: cursor, timeout: timeout) }
        Output.emit(result, json: options.json, human: Render.wait)
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
        let tap = try options.makeTap()
        let input = try updatedInput.map { try parsedJSON($0, option: "--updated-input") }
        let result = try await reportingErrors {
            try await tap.respondToPermission(
                id, requestID: requestID, decision: decision, message: message, updatedInput: input, always: always)
        }
        Output.emit(result, json: options.json, human: Render.permissionResponse)
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
        let tap = try options.makeTap()
        let value = try result.map {
            try parsedJSON($0, option: "--result", hint: " (a string needs its quotes: --result '\"Continue\"')")
        }
        let answer = try await reportingErrors {
            try await tap.respondToInput(id, requestID: requestID, action: action, value: value)
        }
        Output.emit(answer, json: options.json, human: Render.inputResponse)
    }
}

/// An option's JSON, or a usage error naming the option.
private func parsedJSON(_ text: String, option: String, hint: String = "") throws -> JSONValue {
    guard let value = JSONValue.parse(Data(text.utf8)) else { throw ValidationError("\(option) is not JSON\(hint).") }
    return value
}

extension InputAction: ExpressibleByArgument {}

extension PermissionDecision: ExpressibleByArgument {}
