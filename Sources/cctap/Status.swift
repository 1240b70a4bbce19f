import CCTapABI
import CCTapCore

/// A failure on its way to C: a status code and a message.
struct CFailure: Error {
    let status: cctap_status
    let message: String

    init(_ status: cctap_status, _ message: String) {
        self.status = status
        self.message = message
    }

    /// `wording`: the names the caller uses for the next step (the C functions, unless the client was
    /// made with its own, as a language binding does).
    init(_ error: TapError, wording: Wording = .c) {
        // Sent, then the wait failed: the status of what failed (errorKind looks through to the
        // cause), the message that says it was sent.
        self.message = error.message(wording)
        self.status = Self.status(of: error.errorKind)
    }

    /// The one mapping from the core's failure classes to C codes: exhaustive, so a new class cannot
    /// be added without its code. The header's list and `cctap_status_name` are checked against each
    /// other by Tests/e2e/test_c_abi.py, and the Python classes against the names by the binding's tests.
    static func status(of kind: TapError.Kind) -> cctap_status {
        switch kind {
        case .invalidArgument: return CCTAP_E_INVALID_ARGUMENT
        case .credentials: return CCTAP_E_CREDENTIALS
        case .organization: return CCTAP_E_ORGANIZATION
        case .authentication: return CCTAP_E_AUTHENTICATION
        case .permission: return CCTAP_E_PERMISSION
        case .notFound: return CCTAP_E_NOT_FOUND
        case .rateLimited: return CCTAP_E_RATE_LIMITED
        case .server: return CCTAP_E_SERVER
        case .conflict, .api: return CCTAP_E_API
        case .network: return CCTAP_E_NETWORK
        case .timeout: return CCTAP_E_TIMEOUT
        case .badResponse: return CCTAP_E_BAD_RESPONSE
        case .sendOutcomeUnknown: return CCTAP_E_SEND_OUTCOME_UNKNOWN
        case .cancelled: return CCTAP_E_CANCELLED
        }
    }

    init(_ error: any Error, wording: Wording = .c) {
        if let failure = error as? CFailure {
            self = failure
        } else if let tapError = error as? TapError {
            self.init(tapError, wording: wording)
        } else if error is CancellationError {
            self.init(CCTAP_E_CANCELLED, "The operation was cancelled.")
        } else {
            self.init(CCTAP_E_INTERNAL, "Internal error: \(String(describing: error).prefix(300))")
        }
    }
}

enum StatusNames {
    private static let texts: [String] = [
        "CCTAP_OK", "CCTAP_E_INVALID_ARGUMENT", "CCTAP_E_INVALID_HANDLE", "CCTAP_E_CREDENTIALS",
        "CCTAP_E_ORGANIZATION", "CCTAP_E_AUTHENTICATION", "CCTAP_E_PERMISSION", "CCTAP_E_NOT_FOUND",
        "CCTAP_E_RATE_LIMITED", "CCTAP_E_SERVER", "CCTAP_E_API", "CCTAP_E_NETWORK", "CCTAP_E_TIMEOUT",
        "CCTAP_E_BAD_RESPONSE", "CCTAP_E_SEND_OUTCOME_UNKNOWN", "CCTAP_E_CANCELLED", "CCTAP_E_WOULD_DEADLOCK",
        "CCTAP_E_INTERNAL",
    ]
    /// C copies made once and never freed: `cctap_status_name` returns static storage.
    nonisolated(unsafe) static let names: [UnsafeMutablePointer<CChar>] = texts.map { strdup($0)! }
    nonisolated(unsafe) static let unknown: UnsafeMutablePointer<CChar> = strdup("CCTAP_E_UNKNOWN")!

    static func name(_ status: Int32) -> UnsafePointer<CChar> {
        guard status >= 0, Int(status) < names.count else { return UnsafePointer(unknown) }
        return UnsafePointer(names[Int(status)])
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
