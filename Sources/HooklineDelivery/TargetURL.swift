import CCurl

/// The scheme and host of a delivery URL, checked with curl's own URL parser before any
/// network activity (so the pre-check and the transfer cannot disagree about the URL).
struct TargetURL {
    let scheme: String
    let host: String

    /// Parses `url`, or explains why it cannot be delivered to.
    static func parse(_ url: String, allowHTTP: Bool) -> Result<TargetURL, DeliveryFailure> {
        if url.isEmpty { return .failure(.invalidURL("the URL is empty")) }
        if url.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            return .failure(.invalidURL("the URL contains control characters"))
        }
        guard let handle = curl_url() else { return .failure(.other("out of memory")) }
        defer { curl_url_cleanup(handle) }

        let setResult = curl_url_set(handle, CURLUPART_URL, url, UInt32(CURLU_NON_SUPPORT_SCHEME))
        guard setResult == CURLUE_OK else {
            return .failure(.invalidURL(describe(setResult)))
        }
        guard let scheme = part(CURLUPART_SCHEME, of: handle)?.lowercased() else {
            return .failure(.invalidURL("the URL has no scheme; use https://"))
        }
        guard scheme == "https" || (scheme == "http" && allowHTTP) else {
            return .failure(.unsupportedScheme(scheme))
        }
        // curl (like browsers) reads "https:///host" as "https://host"; a stored target must be unambiguous.
        guard let separator = url.firstRange(of: "://"),
            let first = url[separator.upperBound...].first, first != "/", first != "\\"
        else {
            return .failure(.invalidURL("the URL must look like https://host/path"))
        }
        guard let host = part(CURLUPART_HOST, of: handle), !host.isEmpty else {
            return .failure(.invalidURL("the URL has no host"))
        }
        return .success(TargetURL(scheme: scheme, host: host))
    }

    private static func part(_ part: CURLUPart, of handle: OpaquePointer) -> String? {
        var value: UnsafeMutablePointer<CChar>? = nil
        guard curl_url_get(handle, part, &value, 0) == CURLUE_OK, let value else { return nil }
        defer { curl_free(value) }
        return String(cString: value)
    }

    private static func describe(_ code: CURLUcode) -> String {
        let text = curl_url_strerror(code).map { String(cString: $0) } ?? "unparseable URL"
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
