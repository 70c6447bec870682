using KernelSharp.Tool;

return await Cli.MainAsync(args);
