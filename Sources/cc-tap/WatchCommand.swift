import ArgumentParser
import CCTapCore
import CCTapRendering
import Dispatch
import Synchronization
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

/// `cc-tap watch`: every live session, kept current. On a terminal the table is redrawn in place and
/// `q` or Ctrl-C leaves; with `--json`, or when stdout is not a terminal, one JSON line per change.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch every live session: state, what needs you, last activity (q or Ctrl-C to leave).",
        discussion: """
            With --json or when piped, prints one JSON object per line: first {"event":"sessions",...} with all of \
            them, then {"event":"changed","session":{...}} or {"event":"removed","id":...} for each change.
            """)

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let tap = try await reportingErrors { try options.makeTap() }
        let lines = options.json || isatty(STDOUT_FILENO) == 0
        let screen = lines ? nil : TerminalScreen()
        screen?.enter()
        defer { screen?.leave() }

        // The newest update, drawn again when the terminal is resized.
        let latest = Mutex<SessionsUpdate?>(nil)
        let redraw: @Sendable () -> Void = {
            guard let screen, let update = latest.withLock({ $0 }) else { return }
            screen.draw(Render.watchTable(update, lines: TerminalScreen.height()) + "\nq or Ctrl-C to leave")
        }
        let resized = screen == nil ? nil : DispatchSource.makeSignalSource(signal: SIGWINCH, queue: .global())
        resized?.setEventHandler(handler: redraw)
        resized?.resume()
        defer { resized?.cancel() }

        let updates = Task {
            for await update in tap.sessionUpdates() {
                if lines {
                    Self.printLines(update)
                } else {
                    latest.withLock { $0 = update }
                    redraw()
                }
            }
        }
        // Leaves on q, Ctrl-C or a closed stdin (a terminal); a pipe runs until killed or interrupted.
        await LeaveSignal.wait(readingKeys: screen != nil)
        updates.cancel()
    }

    static func printLines(_ update: SessionsUpdate) {
        var lines: [String] = []
        if update.appeared.count == update.sessions.count && update.changed.isEmpty && update.removed.isEmpty {
            lines.append(jsonLine(["event": "sessions", "source": .string(update.source.rawValue), "sessions": encoded(update.sessions)]))
        } else {
            let byID = Dictionary(update.sessions.map { (SessionBoard.key($0.id), $0) }, uniquingKeysWith: { a, _ in a })
            for id in update.appeared + update.changed {
                guard let session = byID[id] else { continue }
                lines.append(jsonLine(["event": "changed", "session": encoded(session)]))
            }
            lines += update.removed.map { jsonLine(["event": "removed", "id": .string($0)]) }
        }
        if let failure = update.failure {
            lines.append(jsonLine(["event": "read_failed", "message": .string(failure.message(.cli))]))
        }
        for line in lines { Output.print(line) }
    }

    private static func encoded<T: Encodable>(_ value: T) -> JSONValue {
        JSONValue.parse(Data(ResultJSON.encode(value).utf8)) ?? .null
    }

    private static func jsonLine(_ fields: [String: JSONValue]) -> String {
        JSONValue.object(fields).jsonText()
    }
}

/// The terminal while `watch` draws on it: the alternate screen, no cursor, keys read one at a time
/// (so `q` needs no Enter), and everything put back on the way out.
final class TerminalScreen: @unchecked Sendable {
    private var saved = termios()
    private var raw = false
    /// Whether to colour what needs the person: on a terminal that has colour, unless NO_COLOR says not.
    private let colour: Bool
    /// Updates and resizes draw from different threads: one screen at a time.
    private let drawing = Mutex(())

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        colour = (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    /// The terminal's height in lines; nil when it does not say (then everything is shown).
    static func height() -> Int? {
        var size = winsize()
        guard withUnsafeMutablePointer(to: &size, { ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), $0) }) == 0, size.ws_row > 0
        else { return nil }
        return Int(size.ws_row)
    }

    func enter() {
        if tcgetattr(STDIN_FILENO, &saved) == 0 {
            var settings = saved
            settings.c_lflag &= ~tcflag_t(ICANON | ECHO)
            raw = tcsetattr(STDIN_FILENO, TCSANOW, &settings) == 0
        }
        write("\u{1B}[?1049h\u{1B}[?25l")
    }

    func draw(_ text: String) {
        // Made safe first (titles come from elsewhere), then coloured: the colours are ours alone.
        var screen = TerminalText.safe(text)
        if colour {
            for reason in AttentionReason.allCases {
                screen = screen.replacing("! " + reason.rawValue, with: "\u{1B}[1;31m! \(reason.rawValue)\u{1B}[0m")
            }
        }
        let frame = "\u{1B}[H\u{1B}[2J" + screen.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
        drawing.withLock { _ in write(frame) }
    }

    func leave() {
        write("\u{1B}[?25h\u{1B}[?1049l")
        if raw { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
    }

    private func write(_ text: String) {
        writeAll(text, to: STDOUT_FILENO)
    }
}

/// Waits for the person to leave: SIGINT or SIGTERM, or (on a terminal) `q` or the end of stdin.
enum LeaveSignal {
    static func wait(readingKeys: Bool) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let once = Once(done)
            signal(SIGINT, SIG_IGN)
            signal(SIGTERM, SIG_IGN)
            var sources: [DispatchSourceSignal] = []
            for number in [SIGINT, SIGTERM] {
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { once.fire() }
                source.resume()
                sources.append(source)
            }
            Once.keep(sources)
            if readingKeys {
                startThread {
                    var byte: UInt8 = 0
                    while read(STDIN_FILENO, &byte, 1) == 1 {
                        if byte == UInt8(ascii: "q") || byte == UInt8(ascii: "Q") || byte == 3 || byte == 4 { break }
                    }
                    once.fire()
                }
            }
        }
    }

    /// Resumes the continuation the first time it fires.
    final class Once: Sendable {
        private let continuation: Mutex<CheckedContinuation<Void, Never>?>
        nonisolated(unsafe) private static var kept: [DispatchSourceSignal] = []

        init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = Mutex(continuation) }

        static func keep(_ sources: [DispatchSourceSignal]) { kept = sources }

        func fire() {
            let pending = continuation.withLock { held in
                defer { held = nil }
                return held
            }
            pending?.resume()
        }
    }
}
