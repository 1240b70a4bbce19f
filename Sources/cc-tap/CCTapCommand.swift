import ArgumentParser
import CCTapCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CCTapMCP
import Logging

/// `cc-tap`: see into and talk to Claude Code Remote Control sessions from a terminal.
@main
struct CCTapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cc-tap",
        abstract: "See into and talk to Claude Code Remote Control sessions.",
        version: CCTap.version,
        subcommands: [
            Serve.self, Sessions.self, Info.self, Read.self, Send.self, Wait.self, Respond.self, RespondInput.self, Attention.self, Mode.self, Model.self, Rename.self,
            Archive.self, Prune.self, MarkRead.self, Watch.self, Doctor.self, Probe.self, Demo.self, ToolsCommand.self],
        defaultSubcommand: Serve.self)
}

/// Options every command that talks to the service shares.
struct GlobalOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the result as JSON (the same JSON the MCP server and C library return).")
    var json = false

    @Flag(name: .long, help: "Log requests to stderr.")
    var verbose = false

    func makeTap() throws -> Tap { try Self.tap(verbose: verbose) }

    static func tap(verbose: Bool) throws -> Tap {
        var configuration = try TapConfiguration.fromEnvironment()
        configuration.logger = Output.logger(verbose: verbose)
        return Tap(configuration: configuration)
    }
}

enum Output {
    static func logger(verbose: Bool) -> Logger {
        var logger = Logger(label: "cc-tap") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .debug : .warning
        return logger
    }

    /// Everything printed passes `TerminalText.safe`: titles, replies and prompts come from elsewhere,
    /// and the terminal is the user's (JSON output is already escaped, so it passes unchanged).
    static func print(_ text: String) {
        writeAll(TerminalText.safe(text) + "\n", to: STDOUT_FILENO)
    }

    static func error(_ text: String) {
        writeAll(TerminalText.safe(text) + "\n", to: STDERR_FILENO)
    }

    /// Prints a result, as JSON or for people, with its next step in the command line's words.
    static func emit<T: Encodable>(_ value: T, json: Bool, human: (T) -> String) {
        let value = Wording.cli.apply(value)
        print(json ? ResultJSON.encode(value, pretty: true) : human(value))
    }
}

/// Runs an operation, turning a `TapError` into a message on stderr and exit code 1.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as TapError {
        Output.error("cc-tap: \(error.message(.cli))")
        throw ExitCode(1)
    }
}

struct Sessions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List sessions.")

    @Option(help: "Only sessions with this status: active (not archived), running, idle, requires_action, archived, or needs_attention.")
    var status: String?

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let tap = try options.makeTap()
        let list = try await reportingErrors { try await tap.listSessions(status: status) }
        Output.emit(list, json: options.json, human: Render.sessions)
    }
}

struct Info: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one session: its state and any prompt it waits on.")

    @Argument(help: "Session id (session_..., cse_... or the bare suffix).")
    var id: String

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let tap = try options.makeTap()
        let info = try await reportingErrors { try await tap.sessionInfo(id) }
        Output.emit(info, json: options.json, human: Render.sessionInfo)
    }
}

struct Read: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the newest entries of a session's conversation.")

    @Argument(help: "Session id (session_..., cse_... or the bare suffix).")
    var id: String

    @Option(help: "How many entries to show.")
    var last = 20

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let tap = try options.makeTap()
        let transcript = try await reportingErrors { try await tap.readSession(id, lastN: last) }
        Output.emit(transcript, json: options.json, human: Render.transcript)
    }
}

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
            Send the words as yours, typed by you (the session's model then treats them as its user's). Without it             cc-tap sends as an agent, another session's message, which is right for anything a program or a model wrote.
            """)
    var asPerson = false

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let tap = try options.makeTap()
        let sender: MessageSender? = asPerson ? .person : nil
        if wait {
            let result = try await reportingErrors {
                try await tap.sendAndWait(id, message: message, timeout: timeout, sender: sender)
            }
            Output.emit(result, json: options.json, human: Render.wait)
        } else {
            let result = try await reportingErrors { try await tap.sendMessage(id, message: message, sender: sender) }
            Output.emit(result, json: options.json) {
                $0.held
                    ? "Sent as an agent (uuid \($0.uuid)), but held: \($0.hint)"
                    : "Sent as \($0.sender == .person ? "you" : "an agent") (uuid \($0.uuid)). For the reply, run "
                        + "`cc-tap wait \($0.sessionID) --cursor \($0.cursor)`."
            }
        }
    }
}
