import HooklineConsole
import HooklineSender

// hookline-console hands POSTs that send webhooks (test send, resend) to this program, the
// only CGI that links libcurl. It serves the same route table, with a sender.
Console.main(sender: DispatchSender())
