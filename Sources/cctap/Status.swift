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

    init(_ error: TapError) {
        self.message = error.message
        var error = error
        // Sent, then the wait failed: the status of what failed, the message that says it was sent.
        while case .waitFailedAfterSend(_, _, let cause) = error { error = cause }
        switch error {
        case .invalidArgument: status = CCTAP_E_INVALID_ARGUMENT
        case .credentials: status = CCTAP_E_CREDENTIALS
        case .organization: status = CCTAP_E_ORGANIZATION
        case .api(let details):
            switch details.status {
            case 401: status = CCTAP_E_AUTHENTICATION
            case 403: status = CCTAP_E_PERMISSION
            case 404: status = CCTAP_E_NOT_FOUND
            case 429: status = CCTAP_E_RATE_LIMITED
            case 500...599: status = CCTAP_E_SERVER
            default: status = CCTAP_E_API
            }
        case .network: status = CCTAP_E_NETWORK
        case .timeout: status = CCTAP_E_TIMEOUT
        case .badResponse: status = CCTAP_E_BAD_RESPONSE
        case .sendOutcomeUnknown: status = CCTAP_E_SEND_OUTCOME_UNKNOWN
        case .cancelled: status = CCTAP_E_CANCELLED
        case .waitFailedAfterSend: status = CCTAP_E_INTERNAL  // unwrapped above
        }
    }

    init(_ error: any Error) {
        if let failure = error as? CFailure {
            self = failure
        } else if let tapError = error as? TapError {
            self.init(tapError)
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
