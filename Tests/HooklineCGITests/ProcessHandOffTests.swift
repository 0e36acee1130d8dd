import HooklineCGI
import Testing

@Suite struct ProcessHandOffTests {
    /// When the program to hand a request to is missing, the caller gets a message naming the
    /// path it looked for (next to this executable) and why, and keeps running.
    @Test func missingProgramIsNamedAndTheProcessContinues() {
        let message = CGIProcess.replaceProcess(with: "hookline-no-such-program")
        #expect(message.contains("/hookline-no-such-program"))
        #expect(message.contains("No such file or directory"))
        #expect(message.contains("Install hookline-no-such-program next to"))
    }
}
