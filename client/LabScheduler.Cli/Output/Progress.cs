using Spectre.Console;

namespace LabScheduler.Cli.Output;

/// <summary>A progress bar on stderr while a long job runs, only when stderr is a terminal (never in a pipe or log).</summary>
internal static class Progress
{
    /// <summary>Runs <paramref name="work"/>, which calls its argument once per item done.</summary>
    public static async Task<T> RunAsync<T>(Screen screen, string description, int total, Func<Action, Task<T>> work)
    {
        if (!screen.ErrIsTerminal || total < 2)
        {
            return await work(() => { });
        }

        return await screen.Err.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(Markup.Escape(description), maxValue: total);
                return await work(() => task.Increment(1));
            });
    }
}
