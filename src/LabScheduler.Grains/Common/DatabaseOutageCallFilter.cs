using LabScheduler.Contracts.Common;
using LabScheduler.Persistence;

namespace LabScheduler.Grains.Common;

/// <summary>
/// A grain call that fails because PostgreSQL is out ends with a <see cref="DatabaseUnavailableException"/>:
/// Orleans has no codec for Npgsql's exceptions, and would hand the caller a CodecNotFoundException
/// (which the gateway could only answer with a 500).
/// </summary>
public sealed class DatabaseOutageCallFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception e) when (e is not DatabaseUnavailableException && DatabaseOutage.Is(e))
        {
            throw new DatabaseUnavailableException($"{context.InterfaceName}.{context.MethodName}: the database is not reachable ({e.GetType().Name}: {e.Message})");
        }
    }
}
