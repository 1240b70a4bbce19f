/// The version of cc-tap, sent in `User-Agent` and shown by `cc-tap --version`.
public enum CCTap {
    public static let version = "0.1.0"
    public static let userAgent = "cc-tap/\(version)"
}
