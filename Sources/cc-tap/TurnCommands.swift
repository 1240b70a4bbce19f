import ArgumentParser
import CCTapCore
import CCTapMCP
import Foundation

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

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let tap = try options.makeTap()
        let input = try updatedInput.map { text in
            guard let value = JSONValue.parse(Data(text.utf8)) else {
                throw ValidationError("--updated-input is not JSON.")
            }
            return value
        }
        let result = try await reportingErrors {
            try await tap.respondToPermission(id, requestID: requestID, decision: decision, message: message, updatedInput: input)
        }
        Output.emit(result, json: options.json, human: Render.permissionResponse)
    }
}

extension PermissionDecision: ExpressibleByArgument {}
