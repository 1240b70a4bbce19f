#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What the core reads from the machine: environment variables, the home directory, files and
/// (on macOS) the Keychain. Injected so tests can give each source its own values.
public struct HostEnvironment: Sendable {
    public var variables: [String: String]
    public var homeDirectory: String
    /// Reads the Keychain's generic password for (service, account); nil when absent or unavailable.
    public var keychain: @Sendable (_ service: String, _ account: String) -> String?

    public init(
        variables: [String: String],
        homeDirectory: String,
        keychain: @escaping @Sendable (String, String) -> String? = { _, _ in nil }
    ) {
        self.variables = variables
        self.homeDirectory = homeDirectory
        self.keychain = keychain
    }

    /// The real process environment.
    public static var current: HostEnvironment {
        let variables = ProcessInfo.processInfo.environment
        let home = variables["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? FileManager.default.homeDirectoryForCurrentUser.path
        #if os(macOS)
            return HostEnvironment(variables: variables, homeDirectory: home, keychain: MacKeychain.read)
        #else
            return HostEnvironment(variables: variables, homeDirectory: home)
        #endif
    }

    /// A setting's value; nil when it is unset, empty, or a Desktop Extension placeholder its host left
    /// as it was (`${user_config.KEY}`: Claude Desktop passes an optional setting nobody filled in
    /// through literally).
    public func value(_ name: String) -> String? {
        guard let value = variables[name]?.trimmed, !value.isEmpty, !Self.isUnfilledPlaceholder(value) else {
            return nil
        }
        return value
    }

    public static func isUnfilledPlaceholder(_ text: String) -> Bool {
        text.hasPrefix("${user_config.") && text.hasSuffix("}")
    }

    /// A file's bytes; nil when it is missing, unreadable or larger than `atMost` bytes (checked
    /// before reading, so a runaway file costs nothing).
    ///
    /// An empty file is answered without reading it: FoundationEssentials' `FileManager.contents(atPath:)`
    /// leaks its 4 KiB read buffer on a zero-byte file (found by Fuzz/CredentialFileFuzz.swift).
    public func contents(ofFile path: String, atMost: Int = 32 << 20) -> Data? {
        guard let facts = FileFacts(path: path), facts.size <= atMost else { return nil }
        if facts.size == 0, facts.isRegularFile {
            return FileManager.default.isReadableFile(atPath: path) ? Data() : nil
        }
        return FileManager.default.contents(atPath: path)
    }

    /// Claude Code's configuration folder: `$CLAUDE_CONFIG_DIR`, else `~/.claude`.
    public var claudeConfigDirectory: String {
        value("CLAUDE_CONFIG_DIR") ?? joinedPath(homeDirectory, ".claude")
    }

    /// Claude Code's global config file: `$CLAUDE_CONFIG_DIR/.claude.json`, else `~/.claude.json`.
    public var claudeGlobalConfigPath: String {
        if let dir = value("CLAUDE_CONFIG_DIR") { return joinedPath(dir, ".claude.json") }
        return joinedPath(homeDirectory, ".claude.json")
    }

    public var credentialsFilePath: String {
        joinedPath(claudeConfigDirectory, ".credentials.json")
    }
}

#if os(macOS)
    import Foundation  // Process: the Keychain is read through a macOS command

    /// Reads Claude Code's Keychain item through `/usr/bin/security`, which is what Claude Code itself
    /// writes with. The account-keyed item is the current one; an account-less lookup may find a stale one.
    package enum MacKeychain {
        @Sendable static func read(service: String, account: String) -> String? {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/security")
            process.arguments = ["find-generic-password", "-s", service, "-a", account, "-w"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { return nil }
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { return nil }
            let text = String(decoding: data, as: UTF8.self).trimmed
            return text.isEmpty ? nil : text
        }
    }
#endif
