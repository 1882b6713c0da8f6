using System.Collections;
using LabScheduler.Cli;

var environment = Environment.GetEnvironmentVariables()
    .Cast<DictionaryEntry>()
    .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);

// Names in Chinese, Russian and Persian must reach a pipe or a terminal as UTF-8, whatever the locale.
Console.OutputEncoding = System.Text.Encoding.UTF8;
return await Cli.RunAsync(args, handler: null, CliIo.FromConsole(), environment);
