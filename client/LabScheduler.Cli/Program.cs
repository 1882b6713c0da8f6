using System.Collections;
using LabScheduler.Cli;

var environment = Environment.GetEnvironmentVariables()
    .Cast<DictionaryEntry>()
    .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);

return await Cli.RunAsync(args, handler: null, Console.Out, Console.Error, environment);
