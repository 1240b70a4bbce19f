import ArgumentParser
import CCTapCore
import CCTapMCP
import Foundation
import Logging

/// `cc-tap` / `cc-tap serve`: the MCP server on stdin/stdout, for Claude Desktop and Claude Code.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve MCP on stdin/stdout (the default when no command is given).",
        discussion: """
            Logs go to stderr only (level from CCTAP_LOG: debug, info, warning, error); stdout carries MCP frames. \
            With --channel, cc-tap is also a Claude Code channel: start Claude Code with \
            `--dangerously-load-development-channels server:<name>` and each session that begins to need you \
            appears in it as a <channel> message.
            """)

    @Flag(help: "Run as a Claude Code channel: push a message into Claude Code when a session needs you.")
    var channel = false

    @Option(name: .customLong("channel-session"), help: "With --channel: a session to watch (repeat; none: every live session).")
    var channelSessions: [String] = []

    @Option(
        help: ArgumentHelp(
            "Who writes the messages the tools send: agent (default: the calling model's words, sent as another session's) "
                + "or person (sent as the user's own typing; only for a client whose every message is typed by its person).",
            valueName: "agent|person"))
    var sender = "agent"

    func validate() throws {
        guard MessageSender(rawValue: sender) != nil else {
            throw ValidationError("--sender must be agent or person (got '\(sender)').")
        }
    }

    func run() async throws {
        var logger = Logger(label: "cc-tap") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = TapConfiguration.logLevel() ?? .warning
        // A refused setting, like a missing login, becomes an error on each tool call: a Claude
        // client shows a server that died at start-up only as gone.
        // CCTAP_SENDER is for the command line and the library: the server reads only --sender.
        var host = HostEnvironment.current
        host.variables["CCTAP_SENDER"] = nil
        var configuration = TapConfiguration.fromEnvironmentForServing(host)
        if let refusal = configuration.refusal { logger.error("\(refusal.message)") }
        configuration.logger = logger
        // Only this flag makes the server speak as the person: a model's words are an agent's, whatever
        // the environment says (CCTAP_SENDER is for the command line and the library).
        configuration.sender = MessageSender(rawValue: sender) ?? .agent
        let tap = Tap(configuration: configuration)
        try await CCTapMCPServer.runStdio(
            tap: tap, logger: logger, watchInterval: max(0.1, configuration.pollInterval * 2),
            channel: channel ? .on(sessions: channelSessions) : .off)
    }
}
