import ArgumentParser
import CCTapCore
import CCTapMCP
import Foundation
import Logging

/// `cc-tap` / `cc-tap serve`: the MCP server on stdin/stdout, for Claude Desktop and Claude Code.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve MCP on stdin/stdout (the default when no command is given).",
        discussion: "Logs go to stderr only (level from CCTAP_LOG: debug, info, warning, error); stdout carries MCP frames.")

    func run() async throws {
        var logger = Logger(label: "cc-tap") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = TapConfiguration.logLevel() ?? .warning
        var configuration: TapConfiguration
        do {
            configuration = try TapConfiguration.fromEnvironment()
        } catch let error as TapError {
            logger.critical("cc-tap cannot start: \(error.message)")
            throw ExitCode(1)
        }
        configuration.logger = logger
        let tap = Tap(configuration: configuration)
        try await CCTapMCPServer.runStdio(tap: tap, logger: logger, watchInterval: max(0.1, configuration.pollInterval * 2))
    }
}
