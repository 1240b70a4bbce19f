import CCTapModel
import Synchronization

/// Holds the credential in use. It is read lazily, cached, and dropped on a 401 so the next request
/// reads the source again (Claude Code may have refreshed the token meanwhile).
final class CredentialStore: Sendable {
    private let resolver: CredentialResolver
    private let cached = Mutex<Credential?>(nil)

    init(resolver: CredentialResolver) {
        self.resolver = resolver
    }

    func current() throws -> Credential {
        if let credential = cached.withLock({ $0 }) { return credential }
        let credential = try resolver.resolve()
        cached.withLock { $0 = credential }
        return credential
    }

    func invalidate() {
        cached.withLock { $0 = nil }
    }
}
