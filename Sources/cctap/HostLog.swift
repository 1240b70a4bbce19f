import CCTapABI
import CCTapCore
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where libcctap's log messages go: to the host's handler (`cctap_set_log_handler`), else to stderr
/// at the level `CCTAP_LOG` names, else nowhere. A library must not write to its host's terminal
/// unasked (swift-log's default would print info messages to stdout).
enum HostLog {
    /// The host's function and user data: opaque to us, only handed back.
    struct Handler: @unchecked Sendable {
        let minimum: Logger.Level
        let function: cctap_log_fn
        let userData: UnsafeMutableRawPointer?
    }

    private static let handler = Mutex<Handler?>(nil)
    /// Read once: `CCTAP_LOG` is for a quick look, not a setting changed while running.
    private static let environmentLevel: Logger.Level? = TapConfiguration.logLevel()

    static func set(_ new: Handler?) { handler.withLock { $0 = new } }

    /// The least severe level anyone listens to; nil when nobody does.
    static var threshold: Logger.Level? { handler.withLock { $0?.minimum } ?? environmentLevel }

    /// The logger every client's core logs through.
    static func logger() -> Logger {
        Logger(label: "cctap") { _ in HostLogHandler() }
    }

    static func deliver(_ level: Logger.Level, _ message: String) {
        if let handler = handler.withLock({ $0 }) {
            guard level >= handler.minimum else { return }
            message.withCString { handler.function(Int32(cLevel(level).rawValue), $0, handler.userData) }
        } else if let environmentLevel, level >= environmentLevel {
            let line = "cctap \(level): \(message)\n"
            _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
        }
    }

    static func cLevel(_ level: Logger.Level) -> cctap_log_level {
        switch level {
        case .trace: CCTAP_LOG_TRACE
        case .debug: CCTAP_LOG_DEBUG
        case .info: CCTAP_LOG_INFO
        case .notice: CCTAP_LOG_NOTICE
        case .warning: CCTAP_LOG_WARNING
        case .error: CCTAP_LOG_ERROR
        case .critical: CCTAP_LOG_CRITICAL
        }
    }

    static func level(_ value: Int32) -> Logger.Level? {
        Logger.Level.allCases.first { Int32(cLevel($0).rawValue) == value }
    }
}

/// Hands each message to `HostLog`. Its level follows whoever listens, so a message nobody wants is
/// never even built (`Logger` asks the handler's level first).
struct HostLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]

    var logLevel: Logger.Level {
        get { HostLog.threshold ?? .critical }
        set {}  // set by the host through cctap_set_log_handler or CCTAP_LOG, not by the core
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        HostLog.deliver(event.level, event.message.description)
    }
}
