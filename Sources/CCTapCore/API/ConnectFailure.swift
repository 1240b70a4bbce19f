import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Tells a connection that never opened (nothing was sent) from one that broke while in use, and
/// names the cause in a few words: "connection refused", "the name does not resolve".
enum ConnectFailure {
    static func cause(of error: any Error) -> String? {
        switch error {
        case let error as NIOConnectionError:
            for failure in error.connectionErrors {
                if let cause = cause(of: failure.error) { return cause }
            }
            if error.connectionErrors.isEmpty { return "the name \(error.host) does not resolve" }
            return "the connection could not be opened"
        case let error as IOError:
            switch error.errnoCode {
            case ECONNREFUSED: return "connection refused"
            case ENETUNREACH: return "the network is unreachable"
            case EHOSTUNREACH: return "no route to the host"
            case EADDRNOTAVAIL: return "the address is not available"
            default: return nil
            }
        case let error as ChannelError:
            if case .connectTimeout = error { return HTTPTransport.connectTimedOut }
            return nil
        default:
            // Resolver failures (`getaddrinfo`) come as their own type.
            let text = String(describing: error)
            if text.contains("getaddrinfo") || text.contains("nodename nor servname") || text.contains("Name or service not known") {
                return "the name does not resolve"
            }
            return nil
        }
    }
}
