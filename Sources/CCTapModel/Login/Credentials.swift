#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where a token was found.
public enum CredentialSource: String, Sendable, Codable {
    case environment = "env CCTAP_ACCESS_TOKEN"
    case keychain = "macOS Keychain (Claude Code-credentials)"
    case credentialsFile = "credentials file"
    case setupToken = "env CLAUDE_CODE_OAUTH_TOKEN"
}

/// A bearer token and what is known about it. `description` never shows the token.
public struct Credential: Sendable, CustomStringConvertible {
    /// Internal on purpose: no surface can hand the token out, print it or encode it.
    package var accessToken: String
    /// Claude Code's Trusted Devices token (`X-Trusted-Device-Token`), when it stored one. A secret
    /// like the access token: internal, never printed, logged or encoded.
    package var trustedDeviceToken: String? = nil
    public var source: CredentialSource
    /// The file it came from, for `credentialsFile`.
    public var path: String?
    public var expiresAt: Date?
    /// OAuth scopes, when the source records them.
    public var scopes: [String]?
    /// Things the user should know (a setup token's missing scope, a world-readable file).
    public var warnings: [String]

    public var description: String {
        "Credential(source: \(source.rawValue), expiresAt: \(expiresAt.map { "\($0)" } ?? "unknown"))"
    }

    /// Whether a trusted-device token will be sent (never the token itself).
    public var hasTrustedDeviceToken: Bool { trustedDeviceToken != nil }

    /// The scope the sessions API is gated on.
    public static let sessionsScope = "user:sessions:claude_code"

    public var hasSessionsScope: Bool? { scopes.map { $0.contains(Self.sessionsScope) } }
}

/// Finds the user's Claude Code login, read-only.
///
/// cc-tap never writes credentials and never refreshes tokens: Claude Code's refresh tokens rotate,
/// so a refresh from here would log Claude Code out. An expired token is reported with the fix
/// (run `claude` once), and on a 401 the caller re-reads the source in case Claude Code refreshed it.
public struct CredentialResolver: Sendable {
    public var host: HostEnvironment
    public var now: @Sendable () -> Date

    public init(host: HostEnvironment, now: @escaping @Sendable () -> Date = { Date() }) {
        self.host = host
        self.now = now
    }

    public static let keychainService = "Claude Code-credentials"

    /// The first source that holds a token wins: env, Keychain, credentials file, setup token. The
    /// trusted-device token comes from `CCTAP_TRUSTED_DEVICE_TOKEN`, else from the same JSON as the
    /// login (top-level `trustedDeviceToken`, where Claude Code keeps it beside `claudeAiOauth`).
    public func resolve() throws(TapError) -> Credential {
        var credential = try resolveLogin()
        try Self.checkHeaderValue(credential.accessToken, what: "The access token", place: credential.path ?? credential.source.rawValue)
        if let device = host.value("CCTAP_TRUSTED_DEVICE_TOKEN") {
            try Self.checkHeaderValue(device, what: "The trusted-device token", place: "env CCTAP_TRUSTED_DEVICE_TOKEN")
            credential.trustedDeviceToken = device
        } else if credential.trustedDeviceToken == nil, credential.source == .environment || credential.source == .setupToken {
            // A token from the environment still goes with the device token Claude Code stored, if any.
            credential.trustedDeviceToken = storedTrustedDeviceToken()
        }
        return credential
    }

    /// The largest credentials file read: Claude Code's is well under a kilobyte.
    public static let largestCredentialsFile = 1 << 20

    /// A token goes out as a header value, so it must be one (visible ASCII, RFC 9110 `field-vchar`,
    /// nothing else): a stray line break would otherwise surface later inside the HTTP library's
    /// error text, token and all. The message names where the token came from, never the token.
    package static func checkHeaderValue(_ token: String, what: String, place: String) throws(TapError) {
        guard !token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { return }
        throw .credentials(
            "\(what) in \(place) has characters an HTTP header cannot carry (white space, a line break or a "
                + "control character). Run `claude` and log in again so it is rewritten, or fix that setting.")
    }

    private func storedTrustedDeviceToken() -> String? {
        guard let data = host.contents(ofFile: host.credentialsFilePath, atMost: Self.largestCredentialsFile),
            let root = JSONValue.parse(data)
        else { return nil }
        return Self.trustedDeviceToken(in: root)
    }

    package static func trustedDeviceToken(in root: JSONValue) -> String? {
        guard let token = root["trustedDeviceToken"]?.stringValue?.trimmed,
            !token.isEmpty, token.utf8.count <= 4096, !token.contains(where: { $0.isNewline })
        else { return nil }
        return token
    }

    private func resolveLogin() throws(TapError) -> Credential {
        if let token = host.value("CCTAP_ACCESS_TOKEN") {
            return Credential(accessToken: token, source: .environment, warnings: [])
        }
        if let account = host.value("USER"), let text = host.keychain(Self.keychainService, account) {
            return try checked(parse(Data(text.utf8), source: .keychain, path: nil))
        }
        let path = host.credentialsFilePath
        if FileManager.default.fileExists(atPath: path) {
            if let size = FileFacts(path: path)?.size, size > Self.largestCredentialsFile {
                throw .credentials(
                    "\(path) is \(size) bytes, far larger than a Claude Code credentials file (at most "
                        + "\(Self.largestCredentialsFile) bytes are read); it was not read. Run `claude` and log in again to rewrite it.")
            }
            guard let data = host.contents(ofFile: path, atMost: Self.largestCredentialsFile) else {
                throw .credentials("Could not read \(path). Check its permissions (it should be readable by you).")
            }
            var credential = try parse(data, source: .credentialsFile, path: path)
            if let warning = Self.permissionWarning(path: path) { credential.warnings.append(warning) }
            return try checked(credential)
        }
        if let token = host.value("CLAUDE_CODE_OAUTH_TOKEN") {
            return Credential(
                accessToken: token, source: .setupToken, scopes: nil,
                warnings: [
                    "Using CLAUDE_CODE_OAUTH_TOKEN: tokens from `claude setup-token` usually carry only "
                        + "user:inference and lack user:sessions:claude_code, so the sessions API may refuse them. "
                        + "Log in with `claude` instead, or set CCTAP_ACCESS_TOKEN."
                ])
        }
        throw .credentials(
            "No Claude Code login found. Looked in env CCTAP_ACCESS_TOKEN, "
                + (host.value("USER") != nil && isMacOS ? "the macOS Keychain, " : "")
                + "\(path) and env CLAUDE_CODE_OAUTH_TOKEN. Run `claude` and log in (/login), then try again."
        )
    }

    private var isMacOS: Bool {
        #if os(macOS)
            return true
        #else
            return false
        #endif
    }

    /// Parses Claude Code's format `{"claudeAiOauth": {...}}`, or a flat `{"accessToken": ...}`.
    package func parse(_ data: Data, source: CredentialSource, path: String?) throws(TapError) -> Credential {
        let place = path ?? source.rawValue
        guard let root = JSONValue.parse(data), root.objectValue != nil else {
            throw .credentials("\(place) is not valid JSON. Run `claude` and log in again to rewrite it.")
        }
        let oauth = root["claudeAiOauth"]?.objectValue != nil ? root["claudeAiOauth"]! : root
        guard let token = oauth["accessToken"]?.stringValue, !token.isEmpty else {
            throw .credentials(
                "\(place) holds no accessToken (expected {\"claudeAiOauth\":{\"accessToken\":...}}). "
                    + "Run `claude` and log in again.")
        }
        // Milliseconds since 1970; a value outside years 1970 to 9999 (or not finite) is no expiry we can use.
        let expiresAt = oauth["expiresAt"]?.doubleValue.flatMap { milliseconds in
            milliseconds.isFinite && (0...253_402_300_799_000).contains(milliseconds)
                ? Date(timeIntervalSince1970: milliseconds / 1000) : nil
        }
        let scopes: [String]? =
            switch oauth["scopes"] {
            case .array(let items): items.compactMap(\.stringValue)
            case .string(let text): text.split(separator: " ").map(String.init)
            default: nil
            }
        return Credential(
            accessToken: token, trustedDeviceToken: Self.trustedDeviceToken(in: root), source: source, path: path,
            expiresAt: expiresAt, scopes: scopes, warnings: [])
    }

    private func checked(_ credential: Credential) throws(TapError) -> Credential {
        if let expiresAt = credential.expiresAt, expiresAt <= now() {
            throw .credentials(
                "The Claude Code login in \(credential.path ?? credential.source.rawValue) expired at "
                    + "\(expiresAt.formatted(.iso8601)). Run `claude` once (any command) so it refreshes the "
                    + "token, then try again. cc-tap never refreshes it itself: that would log Claude Code out.")
        }
        return credential
    }

    /// A credentials file others can read is worth a warning (never an error: it is the user's file).
    package static func permissionWarning(path: String) -> String? {
        guard let mode = FileFacts(path: path)?.permissions else { return nil }
        guard mode & 0o077 != 0 else { return nil }
        return "\(path) is readable by other users (mode \(String(mode & 0o777, radix: 8))); "
            + "consider `chmod 600 \(path)`."
    }
}
