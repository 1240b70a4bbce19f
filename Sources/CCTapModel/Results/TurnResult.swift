/// The fields of a turn's `result` event that mean something to a reader.
public struct TurnResult: Codable, Sendable, Equatable {
    /// `success`, `error_during_execution`, `error_max_turns`, ...
    public var subtype: String
    public var isError: Bool
    /// The final text, when the worker put one there.
    public var result: String?
    public var durationMS: Double?
    public var numTurns: Int64?
    /// Remote Control bridges send a synthetic result with zeros here: do not read it as a real cost.
    public var totalCostUSD: Double?
    public var stopReason: String?

    enum CodingKeys: String, CodingKey {
        case subtype, result
        case isError = "is_error"
        case durationMS = "duration_ms"
        case numTurns = "num_turns"
        case totalCostUSD = "total_cost_usd"
        case stopReason = "stop_reason"
    }

    package init(event: JSONValue) {
        subtype = event["subtype"]?.stringValue ?? "unknown"
        isError = event["is_error"]?.boolValue ?? (subtype != "success")
        result = event["result"]?.stringValue
        durationMS = event["duration_ms"]?.doubleValue
        numTurns = event["num_turns"]?.intValue
        totalCostUSD = event["total_cost_usd"]?.doubleValue
        stopReason = event["stop_reason"]?.stringValue
    }
}
