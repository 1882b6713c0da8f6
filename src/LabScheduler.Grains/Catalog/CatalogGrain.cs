using LabScheduler.Contracts.Catalog;
using LabScheduler.Contracts.Instruments;
using LabScheduler.Persistence.Instruments;

namespace LabScheduler.Grains.Catalog;

/// <inheritdoc cref="ICatalogGrain"/>
/// <remarks>
/// Stateless: the catalog is the instruments table (each instrument grain writes its row with its
/// changes) and the lab catalog table, read with SQL. Any silo answers from a local activation.
/// </remarks>
[Orleans.Concurrency.StatelessWorker]
public sealed class CatalogGrain(CatalogQueries catalog) : Grain, ICatalogGrain
{
    Task ICatalogGrain.UpsertLabAsync(LabEntry lab) => catalog.UpsertLabAsync(lab);

    Task<IReadOnlyList<LabEntry>> ICatalogGrain.ListLabsAsync(string? afterId, int limit) => catalog.LabsAsync(afterId, limit);

    Task<IReadOnlyList<InstrumentEntry>> ICatalogGrain.FindInstrumentsAsync(InstrumentFilter filter, string? afterId, int limit) =>
        catalog.EntriesAsync(filter, afterId, limit);

    Task<IReadOnlyList<InstrumentView>> ICatalogGrain.ListInstrumentsAsync(InstrumentFilter filter, string? afterId, int limit) =>
        catalog.ListAsync(filter, afterId, limit);
}
