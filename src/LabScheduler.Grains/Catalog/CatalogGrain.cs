using LabScheduler.Contracts.Catalog;
using LabScheduler.Grains.Common;

namespace LabScheduler.Grains.Catalog;

/// <summary>Grain state of the catalog: one small entry per lab and instrument.</summary>
public sealed class CatalogState
{
    public Dictionary<string, LabEntry> Labs { get; set; } = [];

    public Dictionary<string, InstrumentEntry> Instruments { get; set; } = [];
}

/// <inheritdoc cref="ICatalogGrain"/>
public sealed class CatalogGrain(
    [PersistentState("catalog", StorageNames.Default)] IPersistentState<CatalogState> state) : Grain, ICatalogGrain
{
    async Task ICatalogGrain.UpsertLabAsync(LabEntry lab)
    {
        if (state.State.Labs.TryGetValue(lab.Id, out var known) && known == lab)
        {
            return;
        }

        state.State.Labs[lab.Id] = lab;
        await state.WriteStateAsync();
    }

    async Task ICatalogGrain.UpsertInstrumentAsync(InstrumentEntry instrument)
    {
        if (state.State.Instruments.TryGetValue(instrument.Id, out var known) && known == instrument)
        {
            return;
        }

        state.State.Instruments[instrument.Id] = instrument;
        await state.WriteStateAsync();
    }

    Task<IReadOnlyList<LabEntry>> ICatalogGrain.ListLabsAsync(string? afterId, int limit) =>
        Task.FromResult<IReadOnlyList<LabEntry>>([.. After(state.State.Labs, afterId).Take(limit)]);

    Task<IReadOnlyList<InstrumentEntry>> ICatalogGrain.FindInstrumentsAsync(InstrumentFilter filter, string? afterId, int limit) =>
        Task.FromResult<IReadOnlyList<InstrumentEntry>>([.. After(state.State.Instruments, afterId)
            .Where(i => (filter.Category is null || i.Category == filter.Category)
                && (filter.LabId is null || i.LabId == filter.LabId)
                && (filter.MemberState is null || i.MemberState == filter.MemberState))
            .Take(limit)]);

    // Sorting a few thousand entries per read is cheaper than keeping an order that survives serialization.
    private static IEnumerable<T> After<T>(Dictionary<string, T> entries, string? afterId) =>
        entries
            .Where(e => afterId is null || string.CompareOrdinal(e.Key, afterId) > 0)
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => e.Value);
}
