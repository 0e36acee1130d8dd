import HooklineCore
import HooklineDelivery
import HooklineSigning
import HooklineStore

#if canImport(Glibc)
    import Glibc
#endif

/// Tells the operator about subscriptions in trouble (DESIGN §9): a signed POST to
/// `operator_webhook_url` and/or `notify_command` run with the same JSON on stdin.
///
/// Events are `hookline.subscription.failing` and `hookline.subscription.disabled`, in the
/// delivery envelope; `data` names the subscription (id, name, the target's host — never its
/// full URL, which may carry a token, and never a secret). The webhook goes through the same
/// client and address rules as any delivery (a private operator endpoint must be in
/// `allowed_private_targets`). The command runs in its own process group and is never waited
/// for: ``reap()`` collects it later and logs a failure; one still running after
/// `notify_timeout` is killed and logged. Neither path retries.
public final class OperatorNotifier {
    public enum Kind: String, Sendable {
        case failing = "hookline.subscription.failing"
        case disabled = "hookline.subscription.disabled"
    }

    let config: Configuration
    let client: DeliveryClient
    let clock: () -> Int
    /// Where problems go (the worker's stderr); tests capture it.
    let log: (String) -> Void
    private var running: [(pid: pid_t, deadline: Double)] = []

    init(config: Configuration, client: DeliveryClient, clock: @escaping () -> Int, log: @escaping (String) -> Void) {
        self.config = config
        self.client = client
        self.clock = clock
        self.log = log
    }

    /// True when the config names somewhere to send notifications.
    public var isConfigured: Bool { config.operatorWebhookURL != nil || config.notifyCommand != nil }

    /// Commands started and not yet reaped.
    public var runningCommands: Int { running.count }

    /// The notification's JSON (the delivery envelope).
    static func body(_ kind: Kind, subscription: Subscription, organization: Organization, reason: String?, now: Int) -> String {
        var data: [(String, JSONValue)] = [
            ("subscription_id", .int(subscription.id)),
            ("subscription_name", .string(subscription.name)),
        ]
        if case .success(let target) = TargetURL.parse(subscription.url, allowHTTP: true) {
            data.append(("target_host", .string(target.host)))
        }
        if let since = subscription.failingSince { data.append(("failing_since", .string(Timestamp.iso(since)))) }
        if let outcome = subscription.lastDeliveryOutcome { data.append(("last_outcome", .string(outcome.rawValue))) }
        if let status = subscription.lastDeliveryStatus { data.append(("last_status_code", .int(status))) }
        if let reason { data.append(("reason", .string(reason))) }
        return Envelope.build(
            eventID: Identifier.uuid(), eventType: kind.rawValue, createdMicroseconds: now * 1_000_000, organization: organization,
            data: .object(data))
    }

    /// Sends one notification to every configured destination; failures are logged, not thrown.
    func notify(_ kind: Kind, subscription: Subscription, organization: Organization, reason: String? = nil) {
        guard isConfigured else { return }
        let now = clock()
        let body = Self.body(kind, subscription: subscription, organization: organization, reason: reason, now: now)
        if let url = config.operatorWebhookURL {
            let bytes = Array(body.utf8)
            let eventID = (try? JSONValue(parsing: body))?["event_id"]?.stringValue ?? ""
            let headers = WebhookHeaders.build(
                scheme: .hookline, secrets: config.operatorWebhookSecret.map { [$0] } ?? [], eventID: eventID, eventType: kind.rawValue,
                timestamp: now, body: bytes)
            let outcome = client.send(OutgoingRequest(url: url, headers: headers, body: bytes))
            if let failure = outcome.failure {
                log("hookline deliver: the operator webhook (\(kind.rawValue), subscription \(subscription.id)) failed: \(failure.message)")
            }
        }
        if let command = config.notifyCommand {
            start(command, input: body, label: "\(kind.rawValue), subscription \(subscription.id)")
        }
    }

    /// Starts `/bin/sh -c command` in its own process group with `input` on stdin (a socket, so
    /// a command that never reads cannot block or signal the worker) and stdout sent to stderr.
    private func start(_ command: String, input: String, label: String) {
        var sockets: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &sockets) == 0 else {
            log("hookline deliver: notify_command (\(label)) not run: socketpair failed (errno \(errno))")
            return
        }
        let (ours, theirs) = (sockets[0], sockets[1])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, theirs, 0)
        posix_spawn_file_actions_adddup2(&actions, 2, 1)
        posix_spawn_file_actions_addclose(&actions, theirs)
        posix_spawn_file_actions_addclose(&actions, ours)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let words: [String] = ["/bin/sh", "-c", command]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, arguments, environ)
        close(theirs)
        defer { close(ours) }
        guard spawned == 0 else {
            log("hookline deliver: notify_command (\(label)) could not start (error \(spawned))")
            return
        }
        running.append((pid, Self.monotonicSeconds() + Double(config.notifyTimeout)))
        // Non-blocking: the JSON is a few hundred bytes, well inside the socket buffer.
        _ = fcntl(ours, F_SETFL, fcntl(ours, F_GETFL) | O_NONBLOCK)
        let bytes = Array(input.utf8)
        let sent = bytes.withUnsafeBytes { send(ours, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if sent != bytes.count {
            log("hookline deliver: notify_command (\(label)) did not take its input (\(sent < 0 ? "errno \(errno)" : "\(sent) bytes"))")
        }
    }

    /// Collects finished commands, logging a non-zero exit or a signal, and kills (process group)
    /// those past their deadline. Never waits for a running command.
    public func reap() {
        let now = Self.monotonicSeconds()
        running = running.filter { child in
            var status: Int32 = 0
            let result = waitpid(child.pid, &status, WNOHANG)
            if result == child.pid {
                report(status: status)
                return false
            }
            if result < 0 { return false }
            guard now >= child.deadline else { return true }
            kill(-child.pid, SIGKILL)
            _ = waitpid(child.pid, &status, 0)
            log("hookline deliver: notify_command ran longer than \(config.notifyTimeout) s and was killed")
            return false
        }
    }

    /// Waits (reaping every 50 ms) until every command has ended or been killed at its deadline.
    public func finish() {
        while !running.isEmpty {
            reap()
            if !running.isEmpty { usleep(50_000) }
        }
    }

    private func report(status: Int32) {
        let signal = status & 0x7f
        if signal != 0 {
            log("hookline deliver: notify_command was ended by signal \(signal)")
        } else if (status >> 8) & 0xff != 0 {
            log("hookline deliver: notify_command failed with exit status \((status >> 8) & 0xff)")
        }
    }

    private static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
