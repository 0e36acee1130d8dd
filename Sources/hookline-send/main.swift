import HooklineSendPages

// The console pages that send webhooks (test send, resend); the only CGI that links libcurl.
SendPages.main()
