import CCurl
import Glibc
import HooklineCore

/// One request on its way through curl: the checks before any network activity, the easy-handle
/// setup, and the classification of what came back. Every send of ``DeliveryClient`` goes
/// through these three steps, whether it runs alone or next to others.
///
/// ``prepare(_:policy:)`` checks the URL and headers and builds what curl points into during
/// the transfer (header list, body copy, ``TransferState``); the transfer owns them until it is
/// released. ``start(on:)`` configures an easy handle, ``finish(code:)`` reads the result and
/// resets the handle, whose connection stays in the client's cache.
final class Transfer {
    private let policy: DeliveryPolicy
    private let url: String
    private let target: TargetURL
    /// Scheme, host and port: the transfers to one receiver share its connections.
    let receiver: String
    private let headers: UnsafeMutablePointer<curl_slist>?
    /// A copy of the body, never empty (a null pointer would make curl read stdin).
    private let body: UnsafeMutableBufferPointer<UInt8>
    private let bodyCount: Int
    private let state: TransferState
    private var handle: UnsafeMutableRawPointer?
    private var startedAt = 0.0

    private init(request: OutgoingRequest, policy: DeliveryPolicy, target: TargetURL, headers: UnsafeMutablePointer<curl_slist>?) {
        self.policy = policy
        self.url = request.url
        self.target = target
        self.receiver = target.origin
        self.headers = headers
        self.body = .allocate(capacity: max(1, request.body.count))
        _ = self.body.initialize(from: request.body)
        self.bodyCount = request.body.count
        self.state = TransferState(policy: policy)
    }

    deinit {
        curl_slist_free_all(headers)
        body.deallocate()
    }

    /// Checks `url` against `policy` (scheme, URL shape) and returns its parts.
    static func target(of url: String, policy: DeliveryPolicy) -> Result<TargetURL, DeliveryFailure> {
        switch TargetURL.parse(url, allowHTTP: policy.allowHTTP) {
        case .success(let parsed): .success(parsed)
        case .failure(.unsupportedScheme(let scheme)): .failure(.unsupportedScheme(scheme))
        case .failure(let problem): .failure(.invalidURL(problem.message))
        }
    }

    /// Checks the headers of `request`, whose URL ``target(of:policy:)`` accepted as `target`,
    /// without touching the network; a refused request never gets a handle.
    static func prepare(_ request: OutgoingRequest, target: TargetURL, policy: DeliveryPolicy) -> Result<Transfer, DeliveryFailure> {
        let headerLines: [String]
        switch HeaderList.lines(for: request.headers, userAgent: policy.userAgent) {
        case .success(let lines): headerLines = lines
        case .failure(let failure): return .failure(failure)
        }
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        for line in headerLines {
            guard let appended = curl_slist_append(headerList, line) else {
                curl_slist_free_all(headerList)
                return .failure(.other("out of memory building headers"))
            }
            headerList = appended
        }
        return .success(Transfer(request: request, policy: policy, target: target, headers: headerList))
    }

    /// Configures `handle` for this request; the latency is measured from here.
    func start(on handle: UnsafeMutableRawPointer) {
        self.handle = handle
        configure(handle)
        startedAt = MonotonicClock.nowMilliseconds()
    }

    /// Classifies curl's result for the transfer and resets the handle, dropping its pointers
    /// into this transfer. Call once, after the handle left the multi handle.
    func finish(code: CURLcode) -> DeliveryOutcome {
        guard let handle else { return DeliveryOutcome(failure: .other("the transfer was never started")) }
        let latency = MonotonicClock.nowMilliseconds() - startedAt
        let result = outcome(of: code, handle: handle, latency: latency)
        curl_easy_reset(handle)
        self.handle = nil
        return result
    }

    private func configure(_ handle: UnsafeMutableRawPointer) {
        // reset keeps the connection cache, so keep-alive survives between sends.
        curl_easy_reset(handle)
        let userdata = Unmanaged.passUnretained(state).toOpaque()
        let protocols = policy.allowHTTP ? "http,https" : "https"

        ccurl_setopt_string(handle, CURLOPT_URL, url)
        ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, protocols)
        ccurl_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, protocols)
        ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        ccurl_setopt_long(handle, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        // No proxy, whatever the environment says: the address check must see the real peer.
        ccurl_setopt_string(handle, CURLOPT_PROXY, "")
        ccurl_setopt_string(handle, CURLOPT_NOPROXY, "*")

        ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
        ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
        if let caBundle = policy.caBundle {
            ccurl_setopt_string(handle, CURLOPT_CAINFO, caBundle)
        }

        ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(policy.connectTimeout))
        ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(policy.totalTimeout))

        ccurl_setopt_long(handle, CURLOPT_POST, 1)
        ccurl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bodyCount))
        ccurl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(body.baseAddress))
        ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers)

        ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, state.errorBuffer)
        ccurl_setopt_write_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, userdata in
            guard let userdata else { return 0 }
            let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
            return state.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
        }
        ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, userdata)
        ccurl_setopt_write_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, userdata in
            guard let userdata else { return 0 }
            let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
            state.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }
        ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, userdata)
        ccurl_setopt_opensocket_callback(handle, CURLOPT_OPENSOCKETFUNCTION) { userdata, _, address in
            guard let userdata, let address else { return ccurl_socket_bad }
            let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
            return state.openSocket(for: address)
        }
        ccurl_setopt_pointer(handle, CURLOPT_OPENSOCKETDATA, userdata)
    }

    private func outcome(of code: CURLcode, handle: UnsafeMutableRawPointer, latency: Double) -> DeliveryOutcome {
        var status = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        let remote = remoteAddress(handle: handle)
        var outcome = DeliveryOutcome(
            statusCode: status > 0 ? status : nil,
            latencyMilliseconds: latency,
            responseExcerpt: String(decoding: state.responseBytes, as: UTF8.self),
            responseTruncated: state.responseBytesSeen > state.responseBytes.count,
            retryAfter: status > 0 ? state.retryAfter : nil,
            remoteAddress: remote
        )
        let answered = code == CURLE_OK || (code == CURLE_WRITE_ERROR && state.stoppedAtDrainLimit)
        if answered, status > 0 {
            outcome.failure = Self.failure(forStatus: status, location: state.location)
        } else {
            outcome.failure = failure(for: code, handle: handle, peer: remote)
        }
        return outcome
    }

    private static func failure(forStatus status: Int, location: String?) -> DeliveryFailure? {
        switch status {
        case 200..<300: nil
        case 300..<400 where status != 304: .redirect(status: status, location: location)
        default: .httpStatus(status)
        }
    }

    private func failure(for code: CURLcode, handle: UnsafeMutableRawPointer, peer: String?) -> DeliveryFailure {
        let detail = state.errorText.isEmpty ? String(cString: curl_easy_strerror(code)) : state.errorText
        let peerName = peer ?? target.host
        switch code {
        case CURLE_COULDNT_CONNECT:
            if let reason = state.blockReason { return .blockedAddress(reason) }
            var osError = 0
            ccurl_getinfo_long(handle, CURLINFO_OS_ERRNO, &osError)
            switch Int32(osError) {
            case ECONNREFUSED: return .connect("Connection refused by \(peerName)")
            case EHOSTUNREACH: return .connect("Host unreachable: \(peerName)")
            case ENETUNREACH: return .connect("Network unreachable: \(peerName)")
            default: return .connect("Could not connect to \(peerName): \(detail)")
            }
        case CURLE_COULDNT_RESOLVE_HOST:
            return .dns(host: target.host)
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout(seconds: timeoutThatFired(handle: handle))
        case CURLE_GOT_NOTHING:
            return .connect("The receiver at \(peerName) closed the connection without answering")
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR:
            return .connect("The connection to \(peerName) broke: \(detail)")
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            return .tls(detail)
        case CURLE_UNSUPPORTED_PROTOCOL:
            return .unsupportedScheme(target.scheme)
        case CURLE_URL_MALFORMAT:
            return .invalidURL(detail)
        default:
            return .other(detail)
        }
    }

    /// The connect timeout if the connection (TCP, and TLS for https) was never established,
    /// otherwise the total timeout.
    private func timeoutThatFired(handle: UnsafeMutableRawPointer) -> Double {
        var connectTime: curl_off_t = 0
        var tlsTime: curl_off_t = 0
        ccurl_getinfo_off_t(handle, CURLINFO_CONNECT_TIME_T, &connectTime)
        ccurl_getinfo_off_t(handle, CURLINFO_APPCONNECT_TIME_T, &tlsTime)
        let connected = connectTime > 0 && (target.scheme != "https" || tlsTime > 0)
        return connected ? policy.totalTimeout : min(policy.connectTimeout, policy.totalTimeout)
    }

    /// The peer curl talked to, or the last address it tried (e.g. the one refused as unsafe).
    private func remoteAddress(handle: UnsafeMutableRawPointer) -> String? {
        var ipText: UnsafePointer<CChar>? = nil
        var port = 0
        ccurl_getinfo_string(handle, CURLINFO_PRIMARY_IP, &ipText)
        ccurl_getinfo_long(handle, CURLINFO_PRIMARY_PORT, &port)
        if let ipText, let address = IPAddress(String(cString: ipText)), port > 0 {
            return address.description(port: port)
        }
        return state.lastAttemptedAddress
    }

    private static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 1 }
        return max(1, Int((seconds * 1000).rounded()))
    }
}
