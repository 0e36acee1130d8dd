import HooklineConsole

// Every console page. A POST that sends webhooks is handed to hookline-send (see Console.routes).
Console.main()
