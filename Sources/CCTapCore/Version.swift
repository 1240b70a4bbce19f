// The header is where the version is defined, once: C programs compile against it, scripts/package.sh
// names every artefact by it, and this reads it (nothing else of the C ABI) so `--version` cannot drift.
private import CCTapABI

/// The version of cc-tap, sent in `User-Agent` and shown by `cc-tap --version`.
public enum CCTap {
    /// `CCTAP_VERSION` of `include/cctap.h`.
    public static let version: String = CCTAP_VERSION
    public static let userAgent = "cc-tap/\(version)"
}
