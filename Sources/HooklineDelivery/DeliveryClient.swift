import CCurl

/// Sends webhook POSTs with libcurl, enforcing the delivery safety rules (DESIGN §3–§5).
///
/// One client owns one curl multi handle and a pool of easy handles kept between calls; the
/// multi handle's connection cache lets later sends to the same receiver reuse an HTTP/1.1
/// keep-alive connection. Not thread-safe: use one client per thread (a CGI process or the
/// worker loop needs just one).
///
/// Each send: `POST` with the caller's headers, then `Content-Type: application/json` and
/// `User-Agent` unless given, no `Expect: 100-continue`; the body exactly as given; TLS
/// verification always on; only https (and http when allowed); no redirects; no proxies
/// (environment proxy variables are ignored); every connection's address is checked by
/// ``AddressSafety`` right before the socket is created. The response body is read up to
/// ``DeliveryPolicy/responseDrainLimit`` (1 MiB by default) and then cut off; that does not
/// turn a 2xx into a failure.
public final class DeliveryClient {
    private let policy: DeliveryPolicy
    private let multi: UnsafeMutableRawPointer?
    /// Easy handles not in a transfer, reset and ready for the next one.
    private var idleHandles: [UnsafeMutableRawPointer] = []

    private static let curlReady: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK

    /// Creates a client; cheap (no connection is made until ``send(_:)`` or ``sendAll(_:maximumConcurrent:)``).
    public init(policy: DeliveryPolicy) {
        self.policy = policy
        self.multi = DeliveryClient.curlReady ? curl_multi_init() : nil
    }

    deinit {
        // Every handle is out of the multi handle between calls, so the order is free.
        for handle in idleHandles { curl_easy_cleanup(handle) }
        if let multi { curl_multi_cleanup(multi) }
    }

    /// Delivers one request and reports what happened. Never throws: every problem is a
    /// ``DeliveryFailure`` in the outcome.
    public func send(_ request: OutgoingRequest) -> DeliveryOutcome {
        sendAll([request])[0]
    }

    /// Delivers `requests` side by side on this thread and returns their outcomes in the same
    /// order, so one receiver that hangs until the timeout delays no other.
    ///
    /// At most `maximumConcurrent` transfers run at once; the next one starts when one ends.
    /// Each transfer is exactly a ``send(_:)``: the same checks, its own timeouts and latency
    /// counted from its own start, and the address check on every connection it opens.
    public func sendAll(_ requests: [OutgoingRequest], maximumConcurrent: Int = 16) -> [DeliveryOutcome] {
        var outcomes = [DeliveryOutcome](repeating: DeliveryOutcome(), count: requests.count)
        var running: [UnsafeMutableRawPointer: (index: Int, transfer: Transfer)] = [:]
        var waiting = requests.indices.makeIterator()
        let limit = max(1, maximumConcurrent)
        while true {
            while running.count < limit, let index = waiting.next() {
                switch start(requests[index]) {
                case .success(let (handle, transfer)): running[handle] = (index, transfer)
                case .failure(let failure): outcomes[index] = DeliveryOutcome(failure: failure)
                }
            }
            guard let multi, !running.isEmpty else { break }

            var stillRunning: Int32 = 0
            let performed = curl_multi_perform(multi, &stillRunning)
            guard performed == CURLM_OK else {
                // The multi handle itself failed (e.g. out of memory): no transfer can go on.
                let failure = DeliveryFailure.other(String(cString: curl_multi_strerror(performed)))
                for (handle, (index, transfer)) in running {
                    curl_multi_remove_handle(multi, handle)
                    _ = transfer.finish(code: CURLE_FAILED_INIT)
                    outcomes[index] = DeliveryOutcome(failure: failure)
                    idleHandles.append(handle)
                }
                running.removeAll()
                continue
            }
            var anyFinished = false
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                // Read the message before removing its handle: removal frees it.
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                    let (index, transfer) = running.removeValue(forKey: handle)
                else { continue }
                let code = message.pointee.data.result
                curl_multi_remove_handle(multi, handle)
                outcomes[index] = transfer.finish(code: code)
                idleHandles.append(handle)
                anyFinished = true
            }
            if !anyFinished {
                // Sleeps until a socket is ready or curl's next timeout (a transfer's deadline) is due.
                curl_multi_poll(multi, nil, 0, 1000, nil)
            }
        }
        return outcomes
    }

    /// Checks a request and puts it on an easy handle in the multi handle.
    private func start(_ request: OutgoingRequest) -> Result<(UnsafeMutableRawPointer, Transfer), DeliveryFailure> {
        let transfer: Transfer
        switch Transfer.prepare(request, policy: policy) {
        case .success(let prepared): transfer = prepared
        case .failure(let failure): return .failure(failure)
        }
        guard let multi, let handle = idleHandles.popLast() ?? curl_easy_init() else {
            return .failure(.other("libcurl could not be initialised"))
        }
        transfer.start(on: handle)
        guard curl_multi_add_handle(multi, handle) == CURLM_OK else {
            _ = transfer.finish(code: CURLE_FAILED_INIT)
            idleHandles.append(handle)
            return .failure(.other("libcurl could not start the transfer"))
        }
        return .success((handle, transfer))
    }
}
