import HooklineConsole

// Every console page; the pages that send webhooks are served by hookline-send.
Console.main()
