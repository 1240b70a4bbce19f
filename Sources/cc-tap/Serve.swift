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

    func run() async throws {
        var logger = Logger(label: "cc-tap") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = TapConfiguration.logLevel() ?? .warning
        // A refused setting, like a missing login, becomes an error on each tool call: a Claude
        // client shows a server that died at start-up only as gone.
        var configuration = TapConfiguration.fromEnvironmentForServing()
        if let refusal = configuration.refusal { logger.error("\(refusal.message)") }
        configuration.logger = logger
        let tap = Tap(configuration: configuration)
        try await CCTapMCPServer.runStdio(
            tap: tap, logger: logger, watchInterval: max(0.1, configuration.pollInterval * 2),
            channel: channel ? .on(sessions: channelSessions) : .off)
    }
}
