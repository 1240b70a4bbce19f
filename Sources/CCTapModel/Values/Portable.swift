// Small stand-ins for the few full-Foundation conveniences the model and core used. Full Foundation
// (with CoreFoundation and ICU) more than doubles the C library (docs/benchmarks.md, Footprint:
// 25.9 MB against 70 MB stripped), while FoundationEssentials has everything else we need.

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension StringProtocol {
    /// The text without leading and trailing white space, newlines included (Unicode White_Space),
    /// as `trimmingCharacters(in: .whitespacesAndNewlines)` gives it.
    package var trimmed: String {
        let scalars = String(self).unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }

    /// The text cut or space-padded to exactly `length` characters, as
    /// `padding(toLength:withPad: " ", startingAt: 0)` makes it.
    package func padded(to length: Int) -> String {
        count >= length ? String(prefix(length)) : String(self) + String(repeating: " ", count: length - count)
    }

    /// The text with its first character lower-cased, to continue a sentence with it.
    package var lowercasedFirst: String {
        guard let first else { return "" }
        return first.lowercased() + dropFirst()
    }
}

/// `name` inside `directory`, as `NSString.appendingPathComponent` joins them.
package func joinedPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}

/// What `stat(2)` says of a path; nil when it cannot be read.
package struct FileFacts: Sendable {
    package var size: Int
    /// The permission bits (`0o777` and the set-id bits).
    package var permissions: Int
    package var isRegularFile: Bool

    package init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        size = Int(info.st_size)
        permissions = Int(info.st_mode) & 0o7777
        isRegularFile = (info.st_mode & S_IFMT) == S_IFREG
    }
}

extension Double {
    /// The number with at most `digits` decimals, as `String(format: "%.<digits>f")` rounds it
    /// (trailing zeros dropped).
    package func rounded(toDecimals digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let value = (self * scale).rounded() / scale
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

extension BinaryInteger {
    /// The number in decimal, zero-padded to `width` digits, as `String(format: "%0<width>d")` writes it.
    package func zeroPadded(_ width: Int) -> String { padded(String(self), width) }

    /// The number in lower-case hexadecimal, zero-padded to `width` digits (`%0<width>x`).
    package func hexPadded(_ width: Int) -> String { padded(String(self, radix: 16), width) }

    private func padded(_ digits: String, _ width: Int) -> String {
        digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension Double {
    /// The number with exactly `digits` decimals, as `String(format: "%.<digits>f")` writes it.
    package func fixed(_ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(self) * scale).rounded()
        guard scaled.isFinite, scaled < 1e17 else { return String(self) }
        let whole = Int(scaled)
        let integer = String(whole / Int(scale))
        let sign = self < 0 && whole != 0 ? "-" : ""
        guard digits > 0 else { return sign + integer }
        return sign + integer + "." + (whole % Int(scale)).zeroPadded(digits)
    }
}

/// Writes all the bytes to a file descriptor (stdout, stderr), retrying short writes, EINTR and EAGAIN
/// (someone made the descriptor non-blocking: wait, keep order); returns the errno of a failure.
/// `FileHandle` is full Foundation, which the server and CLI do without.
@discardableResult
package func writeAll(_ bytes: some ContiguousBytes, to descriptor: Int32) -> Int32? {
    bytes.withUnsafeBytes { raw -> Int32? in
        guard var pointer = raw.baseAddress else { return nil }
        var left = raw.count
        while left > 0 {
            let written = write(descriptor, pointer, left)
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN {
                    usleep(1000)
                    continue
                }
                return errno
            }
            left -= written
            pointer += written
        }
        return nil
    }
}

/// The text's UTF-8 bytes, written whole (`writeAll(_:to:)`).
@discardableResult
package func writeAll(_ text: String, to descriptor: Int32) -> Int32? {
    writeAll(Array(text.utf8), to: descriptor)
}

/// Runs `body` on a new detached thread of its own, for a blocking read (stdin) that must not hold
/// one of the concurrency pool's few threads: `Thread` is full Foundation.
package func startThread(_ body: @escaping @Sendable () -> Void) {
    final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    #if canImport(Darwin)
        var thread: pthread_t?
    #else
        var thread = pthread_t()
    #endif
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    let created = pthread_create(&thread, &attributes, { raw in
        #if canImport(Darwin)
            let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
        #else
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
        #endif
        box.body()
        return nil
    }, context)
    pthread_attr_destroy(&attributes)
    if created != 0 {
        // No thread could be made (a resource limit): run the work on a dispatch worker instead.
        Unmanaged<Box>.fromOpaque(context).release()
        DispatchQueue.global().async(execute: body)
        return
    }
}
