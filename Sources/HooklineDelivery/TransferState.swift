import CCurl
import Glibc
import HooklineCore

/// Per-send state shared with curl's C callbacks through their userdata pointers.
///
/// Lives for exactly one transfer: ``Transfer`` owns it until the handle is reset and hands
/// curl an unretained pointer to it.
final class TransferState {
    private let allowedRanges: [IPRange]
    private let responseCap: Int
    private let drainLimit: Int

    private(set) var responseBytes: [UInt8] = []
    private(set) var responseBytesSeen = 0
    /// Set when the body passed the drain limit and the transfer was cut off on purpose.
    private(set) var stoppedAtDrainLimit = false
    private(set) var retryAfter: String?
    private(set) var location: String?
    /// Reason for the most recent address refused by the safety check.
    private(set) var blockReason: String?
    /// The most recent address curl asked to connect to, as `ip:port` / `[ip]:port`.
    private(set) var lastAttemptedAddress: String?

    /// curl's error buffer (`CURLOPT_ERRORBUFFER`), `CURL_ERROR_SIZE` bytes.
    let errorBuffer: UnsafeMutablePointer<CChar>

    init(policy: DeliveryPolicy) {
        allowedRanges = policy.allowedPrivateRanges
        responseCap = max(0, policy.responseCap)
        drainLimit = max(responseCap, policy.responseDrainLimit)
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        errorBuffer.deallocate()
    }

    var errorText: String { String(cString: errorBuffer) }

    /// Body bytes from curl. Returns how many were accepted; anything else aborts the transfer.
    func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Int {
        responseBytesSeen += chunk.count
        let room = responseCap - responseBytes.count
        if room > 0 {
            responseBytes.append(contentsOf: chunk.prefix(room))
        }
        if responseBytesSeen > drainLimit {
            stoppedAtDrainLimit = true
            return 0
        }
        return chunk.count
    }

    /// One header line from curl (status line included, CRLF at the end).
    func receiveHeaderLine(_ line: UnsafeRawBufferPointer) {
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix("HTTP/") {
            // A new response begins (e.g. after an interim 1xx): forget the previous one's headers.
            retryAfter = nil
            location = nil
            return
        }
        guard let colon = text.firstIndex(of: ":") else { return }
        let name = text[..<colon].lowercased()
        let value = String(text[text.index(after: colon)...]).trimmingWhitespace
        switch name {
        case "retry-after": retryAfter = value
        case "location": location = value
        default: break
        }
    }

    /// Creates the socket for a connection attempt, or refuses it when the address is not public.
    func openSocket(for address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        guard let (peer, port) = Self.peer(of: address) else {
            blockReason = "the address family \(address.pointee.family) is not IPv4 or IPv6"
            return ccurl_socket_bad
        }
        lastAttemptedAddress = peer.description(port: port)
        if let reason = AddressSafety.blockReason(for: peer, allowed: allowedRanges) {
            blockReason = reason
            return ccurl_socket_bad
        }
        let socketType = address.pointee.socktype | Int32(SOCK_CLOEXEC.rawValue)
        return socket(address.pointee.family, socketType, address.pointee.protocol)
    }

    /// Decodes the IP address and port of the socket address curl is about to connect to.
    private static func peer(of address: UnsafeMutablePointer<curl_sockaddr>) -> (IPAddress, Int)? {
        guard let offset = MemoryLayout<curl_sockaddr>.offset(of: \curl_sockaddr.addr) else { return nil }
        // curl stores the address in sockaddr_storage-sized memory; `addrlen` says how much is valid.
        let raw = UnsafeRawPointer(address) + offset
        let length = Int(address.pointee.addrlen)
        switch address.pointee.family {
        case AF_INET where length >= MemoryLayout<sockaddr_in>.size:
            var ipv4 = raw.loadUnaligned(as: sockaddr_in.self)
            let bytes = withUnsafeBytes(of: &ipv4.sin_addr) { Array($0) }
            return IPAddress(bytes: bytes).map { ($0, Int(UInt16(bigEndian: ipv4.sin_port))) }
        case AF_INET6 where length >= MemoryLayout<sockaddr_in6>.size:
            var ipv6 = raw.loadUnaligned(as: sockaddr_in6.self)
            let bytes = withUnsafeBytes(of: &ipv6.sin6_addr) { Array($0) }
            return IPAddress(bytes: bytes).map { ($0, Int(UInt16(bigEndian: ipv6.sin6_port))) }
        default:
            return nil
        }
    }
}
