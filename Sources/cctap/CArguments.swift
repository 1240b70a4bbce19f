import CCTapABI
import CCTapCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading C arguments safely: NULL, length and UTF-8 are checked before anything else happens.
enum CArguments {
    /// A required string of at most `limit` bytes.
    static func string(_ pointer: UnsafePointer<CChar>?, _ name: String, limit: Int) throws(CFailure) -> String {
        guard let text = try optionalString(pointer, name, limit: limit) else {
            throw CFailure(CCTAP_E_INVALID_ARGUMENT, "\(name) is NULL; it is required.")
        }
        return text
    }

    /// An optional string (NULL is nil) of at most `limit` bytes.
    static func optionalString(_ pointer: UnsafePointer<CChar>?, _ name: String, limit: Int) throws(CFailure) -> String? {
        guard let pointer else { return nil }
        let length = strnlen(pointer, limit + 1)
        guard length <= limit else {
            throw CFailure(CCTAP_E_INVALID_ARGUMENT, "\(name) is longer than \(limit) bytes.")
        }
        guard let text = String(validatingCString: pointer) else {
            throw CFailure(CCTAP_E_INVALID_ARGUMENT, "\(name) is not valid UTF-8.")
        }
        return text
    }

    /// An optional JSON object (NULL or empty is nil).
    static func jsonObject(_ pointer: UnsafePointer<CChar>?, _ name: String, limit: Int) throws(CFailure) -> JSONValue? {
        guard let text = try optionalString(pointer, name, limit: limit), !text.isEmpty else { return nil }
        guard let value = JSONValue.parse(Data(text.utf8)), value.objectValue != nil else {
            throw CFailure(CCTAP_E_INVALID_ARGUMENT, "\(name) must be a JSON object.")
        }
        return value
    }

    /// An optional JSON value of any kind (NULL or empty is nil): a dialog's result may be a string.
    static func json(_ pointer: UnsafePointer<CChar>?, _ name: String, limit: Int) throws(CFailure) -> JSONValue? {
        guard let text = try optionalString(pointer, name, limit: limit), !text.isEmpty else { return nil }
        guard let value = JSONValue.parse(Data(text.utf8)) else {
            throw CFailure(CCTAP_E_INVALID_ARGUMENT, "\(name) is not JSON (a string needs its quotes: \"\\\"Continue\\\"\").")
        }
        return value
    }

    /// Checks that an output pointer was given, and sets it to NULL until there is a result.
    static func output(_ pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) throws(CFailure)
        -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    {
        guard let pointer else { throw CFailure(CCTAP_E_INVALID_ARGUMENT, "out_json is NULL; pass the address of a char *.") }
        pointer.pointee = nil
        return pointer
    }

    // How much of each C string is read, in bytes (the core's `Limits`, which the header documents);
    // what is read is then checked by the core like any surface's input.
    static let idLimit = Limits.sessionIDTextBytes
    static let messageLimit = Limits.messageBytes
    static let optionsLimit = Limits.optionsBytes
    static let updatedInputLimit = Limits.updatedInputBytes
    static let shortLimit = Limits.shortTextBytes
}

#if canImport(FoundationEssentials)
    import struct FoundationEssentials.Data
#else
    import struct Foundation.Data
#endif
