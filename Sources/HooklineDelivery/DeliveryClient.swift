import CCurl
import HooklineCore

/// Sends webhook POSTs with libcurl, enforcing the delivery safety rules (DESIGN §3–§5).
///
/// One client owns one curl multi handle and a pool of easy handles kept between calls; the
/// multi handle's connection cache lets later sends to the same receiver reuse an HTTP/1.1
/// keep-alive connection. Not thread-safe: use one client per thread (a CGI process or the
/// worker loop needs just one).
///
/// ``sendAll(_:maximumConcurrent:)`` sends a list and waits for all of it. The worker instead
/// queues requests with ``enqueue(_:startWithin:)`` and moves them on with
/// ``advance(limits:waitMilliseconds:)`` between its own work, within ``Limits`` on how many run
/// at once in all and to one receiver; a queued request that cannot start in time ends unsent.
///
/// Each send: `POST` with the caller's headers, then `Content-Type: application/json` and
/// `User-Agent` unless given, no `Expect: 100-continue` and no `Accept`; the body exactly as given; TLS
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
    /// Checked transfers waiting for a free slot, oldest first.
    private var queue: [Queued] = []
    /// Transfers on the multi handle, by easy handle.
    private var running: [UnsafeMutableRawPointer: Running] = [:]
    /// How many of `running` go to each receiver (``Transfer/receiver``).
    private var runningPerReceiver: [String: Int] = [:]
    /// Ended transfers not yet handed to the caller.
    private var finished: [Int: DeliveryOutcome?] = [:]
    private var nextTicket = 0
    /// The last URL ``target(of:)`` accepted, and its parts.
    private var lastTarget: (url: String, target: TargetURL)?

    private struct Queued {
        let ticket: Int
        let transfer: Transfer
        /// ``MonotonicClock`` milliseconds when it was queued.
        let queuedAt: Double
        /// ``MonotonicClock`` milliseconds after which the transfer is not started any more.
        let startBy: Double
    }

    private struct Running {
        let ticket: Int
        let transfer: Transfer
    }

    /// How many transfers may run at once: in all, and to one receiver (scheme, host and port)
    /// unless a transfer has waited `perReceiverWait` seconds for one of that receiver's slots,
    /// when it starts on a connection of its own. The per-receiver limit keeps a burst to a fast
    /// receiver on a few kept-alive connections without making a slow one wait long.
    public struct Limits: Sendable {
        public var total: Int
        public var perReceiver: Int
        public var perReceiverWait: Double

        public init(total: Int, perReceiver: Int, perReceiverWait: Double = .infinity) {
            self.total = max(1, total)
            self.perReceiver = max(1, perReceiver)
            self.perReceiverWait = perReceiverWait
        }
    }

    /// A transfer handed back by ``advance(limits:waitMilliseconds:)``.
    public struct Completion {
        /// What ``enqueue(_:startWithin:)`` returned for it.
        public let ticket: Int
        /// What happened; nil when it did not start in time (nothing was sent).
        public let outcome: DeliveryOutcome?
    }

    private static let curlReady: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK

    /// Creates a client; cheap (no connection is made until a request is sent).
    public init(policy: DeliveryPolicy) {
        self.policy = policy
        self.multi = DeliveryClient.curlReady ? curl_multi_init() : nil
    }

    deinit {
        for (handle, _) in running {
            if let multi { curl_multi_remove_handle(multi, handle) }
            curl_easy_cleanup(handle)
        }
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
    /// Transfers enqueued earlier go on meanwhile; their completions wait for the next ``advance(limits:waitMilliseconds:)``.
    public func sendAll(_ requests: [OutgoingRequest], maximumConcurrent: Int = 16) -> [DeliveryOutcome] {
        let tickets = requests.map { enqueue($0) }
        let limits = Limits(total: maximumConcurrent, perReceiver: maximumConcurrent)
        while !tickets.allSatisfy({ finished[$0] != nil }) {
            step(limits, waitMilliseconds: 1000)
        }
        // Every ticket has ended, and nothing in a sendAll has a start window.
        return tickets.map {
            (finished.removeValue(forKey: $0) ?? nil) ?? DeliveryOutcome(failure: .other("the transfer was never started"))
        }
    }

    /// Checks `request` and queues it; it starts in a later ``advance(limits:waitMilliseconds:)``
    /// when a slot is free, unless `startWithin` seconds have passed by then (it then ends
    /// unsent). Returns the ticket its ``Completion`` carries. A request refused by the checks
    /// (URL, headers) completes right away, without a connection.
    public func enqueue(_ request: OutgoingRequest, startWithin: Double = .infinity) -> Int {
        let ticket = nextTicket
        nextTicket += 1
        switch target(of: request.url).flatMap({ Transfer.prepare(request, target: $0, policy: policy) }) {
        case .success(let transfer):
            let now = MonotonicClock.nowMilliseconds()
            queue.append(Queued(ticket: ticket, transfer: transfer, queuedAt: now, startBy: now + startWithin * 1000))
        case .failure(let failure):
            finished[ticket] = DeliveryOutcome(failure: failure)
        }
        return ticket
    }

    /// ``Transfer/target(of:policy:)``, remembering the last URL accepted: a worker often sends
    /// to the same one many times in a row.
    private func target(of url: String) -> Result<TargetURL, DeliveryFailure> {
        if let lastTarget, lastTarget.url == url { return .success(lastTarget.target) }
        let result = Transfer.target(of: url, policy: policy)
        if case .success(let target) = result { lastTarget = (url, target) }
        return result
    }

    /// Drops the transfers still waiting for a slot; they complete unsent.
    public func cancelWaiting() {
        for item in queue { finished[item.ticket] = .some(nil) }
        queue.removeAll()
    }

    /// Transfers enqueued and not yet handed back, waiting or running.
    public var pendingCount: Int { queue.count + running.count + finished.count }

    /// Transfers waiting for a slot.
    public var waitingCount: Int { queue.count }

    /// Transfers running.
    public var runningCount: Int { running.count }

    /// Moves the transfers on: starts queued ones as `limits` allow, lets curl work, and hands
    /// back every transfer that ended, waiting up to `waitMilliseconds` for one when none has.
    /// Freed slots are filled again before it returns, so the receivers have work while the
    /// caller does its own.
    public func advance(limits: Limits, waitMilliseconds: Int32) -> [Completion] {
        step(limits, waitMilliseconds: waitMilliseconds)
        let completions = finished.map { Completion(ticket: $0.key, outcome: $0.value) }
        finished.removeAll(keepingCapacity: true)
        return completions
    }

    /// One round of ``advance(limits:waitMilliseconds:)`` that leaves the ended transfers in `finished`.
    private func step(_ limits: Limits, waitMilliseconds: Int32) {
        let endedBefore = finished.count
        var waited = false
        while true {
            let nextChange = startQueued(limits).nextChange
            perform()
            if finished.count > endedBefore || running.isEmpty || waited || waitMilliseconds <= 0 { break }
            // Sleeps until a socket is ready, curl's next timeout (a transfer's deadline) is due,
            // or a queued transfer may start or must give up.
            let wait = min(Double(waitMilliseconds), max(1, nextChange - MonotonicClock.nowMilliseconds()).rounded(.up))
            if let multi { curl_multi_poll(multi, nil, 0, Int32(wait), nil) }
            waited = true
        }
        if startQueued(limits).started { perform() }
    }

    /// Starts queued transfers, oldest first, as `limits` allow; one past its `startBy` ends
    /// unsent. Returns whether any started, and when (``MonotonicClock`` milliseconds) one still
    /// waiting may start regardless of its receiver's limit or must give up.
    private func startQueued(_ limits: Limits) -> (started: Bool, nextChange: Double) {
        guard !queue.isEmpty else { return (false, .infinity) }
        let now = MonotonicClock.nowMilliseconds()
        let patience = limits.perReceiverWait * 1000
        var started = false
        var nextChange = Double.infinity
        var kept: [Queued] = []
        kept.reserveCapacity(queue.count)
        for item in queue {
            if item.startBy < now {
                finished[item.ticket] = .some(nil)
            } else if running.count < limits.total,
                runningPerReceiver[item.transfer.receiver, default: 0] < limits.perReceiver || now - item.queuedAt >= patience
            {
                start(item)
                started = true
            } else {
                kept.append(item)
                nextChange = min(nextChange, item.queuedAt + patience, item.startBy)
            }
        }
        queue = kept
        return (started, nextChange)
    }

    /// Puts a queued transfer on an easy handle in the multi handle.
    private func start(_ item: Queued) {
        guard let multi, let handle = idleHandles.popLast() ?? curl_easy_init() else {
            finished[item.ticket] = DeliveryOutcome(failure: .other("libcurl could not be initialised"))
            return
        }
        item.transfer.start(on: handle)
        guard curl_multi_add_handle(multi, handle) == CURLM_OK else {
            _ = item.transfer.finish(code: CURLE_FAILED_INIT)
            idleHandles.append(handle)
            finished[item.ticket] = DeliveryOutcome(failure: .other("libcurl could not start the transfer"))
            return
        }
        running[handle] = Running(ticket: item.ticket, transfer: item.transfer)
        runningPerReceiver[item.transfer.receiver, default: 0] += 1
    }

    /// Lets curl work on the running transfers without waiting and moves the ended ones to `finished`.
    private func perform() {
        guard let multi, !running.isEmpty else { return }
        var stillRunning: Int32 = 0
        let performed = curl_multi_perform(multi, &stillRunning)
        guard performed == CURLM_OK else {
            // The multi handle itself failed (e.g. out of memory): no transfer can go on.
            let failure = DeliveryFailure.other(String(cString: curl_multi_strerror(performed)))
            for handle in Array(running.keys) {
                end(handle, code: CURLE_FAILED_INIT, outcome: DeliveryOutcome(failure: failure))
            }
            return
        }
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            // Read the message before removing its handle: removal frees it.
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle, running[handle] != nil else { continue }
            end(handle, code: message.pointee.data.result, outcome: nil)
        }
    }

    /// Takes an ended transfer off the multi handle and records its outcome (`outcome`, or what curl's `code` means).
    private func end(_ handle: UnsafeMutableRawPointer, code: CURLcode, outcome: DeliveryOutcome?) {
        guard let multi, let item = running.removeValue(forKey: handle) else { return }
        curl_multi_remove_handle(multi, handle)
        let result = item.transfer.finish(code: code)
        finished[item.ticket] = outcome ?? result
        idleHandles.append(handle)
        runningPerReceiver[item.transfer.receiver, default: 1] -= 1
    }
}
