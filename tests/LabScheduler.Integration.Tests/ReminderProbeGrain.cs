namespace LabScheduler.Integration.Tests;

/// <summary>A grain of the tests only, to prove the ADO.NET reminder service works on our tables.</summary>
public interface IReminderProbeGrain : IGrainWithStringKey
{
    /// <summary>Registers a daily reminder.</summary>
    Task RegisterAsync(string name);

    /// <summary>Names of this grain's reminders, read through the reminder service.</summary>
    Task<IReadOnlyList<string>> ListAsync();
}

public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    public async Task RegisterAsync(string name) =>
        await this.RegisterOrUpdateReminder(name, TimeSpan.FromHours(12), TimeSpan.FromDays(1));

    public async Task<IReadOnlyList<string>> ListAsync() =>
        [.. (await this.GetReminders()).Select(r => r.ReminderName).Order()];

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
