import HooklineCore

/// How deliveries are made: timeouts, trust, which targets are allowed, and how much of a
/// response is kept. Built from the config file by the caller.
public struct DeliveryPolicy: Sendable {
    /// Seconds allowed to establish the TCP (and TLS) connection.
    public var connectTimeout: Double
    /// Seconds allowed for the whole attempt, connection included (DESIGN §3: default 15 s).
    public var totalTimeout: Double
    /// PEM file of trusted CAs (`CURLOPT_CAINFO`); nil uses the system trust store.
    public var caBundle: String?
    /// Whether `http://` targets are allowed (development only). `https://` always is.
    public var allowHTTP: Bool
    /// Non-public ranges that may be delivered to anyway (config `allowed_private_targets`).
    public var allowedPrivateRanges: [IPRange]
    /// Sent as `User-Agent` unless the request carries its own, e.g. `Hookline/1.2.0`.
    public var userAgent: String
    /// Bytes of the response body kept in ``DeliveryOutcome/responseExcerpt``.
    public var responseCap: Int
    /// Bytes of the response body read at most; past this the transfer is cut off (the
    /// connection is dropped, and the attempt still counts by its status code).
    public var responseDrainLimit: Int

    /// The `User-Agent` used when the caller does not set one.
    public static let defaultUserAgent = Hookline.userAgent

    /// Creates a policy; the defaults are the production values from DESIGN §3 and §5.
    public init(
        connectTimeout: Double = 5,
        totalTimeout: Double = 15,
        caBundle: String? = nil,
        allowHTTP: Bool = false,
        allowedPrivateRanges: [IPRange] = [],
        userAgent: String = DeliveryPolicy.defaultUserAgent,
        responseCap: Int = 4096,
        responseDrainLimit: Int = 1 << 20
    ) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.caBundle = caBundle
        self.allowHTTP = allowHTTP
        self.allowedPrivateRanges = allowedPrivateRanges
        self.userAgent = userAgent
        self.responseCap = responseCap
        self.responseDrainLimit = responseDrainLimit
    }
}
