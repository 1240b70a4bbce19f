import ArgumentParser
import CCTapCore
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the command line writes: results on stdout, errors and logs on stderr, all made safe for a terminal.
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
    static func emit<T: Encodable>(_ value: T, json: Bool, wording: Wording = .cli, human: (T) -> String) {
        let value = wording.apply(value)
        print(json ? ResultJSON.encode(value, pretty: true) : human(value))
    }
}

/// Runs an operation, turning a `TapError` into a message on stderr and exit code 1.
func reportingErrors<T>(_ wording: Wording = .cli, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as TapError {
        Output.error("cc-tap: " + Wording.withOptionNames(error.message(wording)))
        throw ExitCode(1)
    }
}
