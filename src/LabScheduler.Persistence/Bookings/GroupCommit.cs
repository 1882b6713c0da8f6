using System.Collections.Concurrent;
using Npgsql;

namespace LabScheduler.Persistence.Bookings;

/// <summary>
/// Group commit: statements that many grains want written at about the same time go to PostgreSQL in
/// one batch and one transaction, so that they share one round trip and one WAL flush. Each caller is
/// answered only after the transaction that holds its statement has committed.
/// </summary>
/// <remarks>
/// There is no timer and no background thread: a statement is sent at once when fewer than
/// <see cref="MaxFlushers"/> batches are in flight; otherwise it waits in the queue and goes with
/// the next batch. Batches therefore grow only under load, and a lone statement is never delayed.
/// A batch that PostgreSQL refuses for an integrity rule (a constraint or a trigger's check, SQLSTATE
/// class 23) is run again one statement at a time, so that one refused booking refuses only itself.
/// Any other failure (a dropped connection, an administrator's shutdown) is every caller's: none of
/// them knows whether it committed. With a <see cref="WriterFence"/> each batch starts with the fence
/// statement: a silo that is no longer an active member writes nothing (every caller of the batch gets
/// a <see cref="WriterFencedException"/>), at the cost of one indexed row in the same round trip.
/// </remarks>
internal sealed class GroupCommit(NpgsqlDataSource dataSource, WriterFence? fence = null)
{
    /// <summary>Batches in flight at once (each on its own connection).</summary>
    public const int MaxFlushers = 4;

    /// <summary>Statements in one batch at most.</summary>
    public const int MaxBatch = 64;

    private sealed record Pending(Func<NpgsqlBatchCommand> Command, TaskCompletionSource<long> Done);

    private readonly ConcurrentQueue<Pending> _queue = new();
    private int _flushers;
    private long _batches;
    private long _statements;

    /// <summary>Batches committed and statements sent so far (for tests and metrics).</summary>
    public (long Batches, long Statements) Totals => (Interlocked.Read(ref _batches), Interlocked.Read(ref _statements));

    /// <summary>
    /// Runs the statement (whose result is one row with one bigint) in the next batch; its result
    /// once committed. The factory may be called twice: once for the batch, once more when the batch
    /// is run again statement by statement.
    /// </summary>
    public Task<long> ScalarAsync(Func<NpgsqlBatchCommand> command)
    {
        var pending = new Pending(command, new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Enqueue(pending);
        StartFlusherIfNeeded();
        return pending.Done.Task;
    }

    private void StartFlusherIfNeeded()
    {
        while (!_queue.IsEmpty)
        {
            var running = Volatile.Read(ref _flushers);
            if (running >= MaxFlushers)
            {
                return; // a running flusher takes it with its next batch
            }

            if (Interlocked.CompareExchange(ref _flushers, running + 1, running) == running)
            {
                _ = Task.Run(FlushUntilEmptyAsync);
                return;
            }
        }
    }

    private async Task FlushUntilEmptyAsync()
    {
        try
        {
            while (true)
            {
                var batch = new List<Pending>();
                while (batch.Count < MaxBatch && _queue.TryDequeue(out var next))
                {
                    batch.Add(next);
                }

                if (batch.Count == 0)
                {
                    return;
                }

                await FlushAsync(batch);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _flushers);

            // A statement queued after our last look but while we still counted as running.
            StartFlusherIfNeeded();
        }
    }

    private async Task FlushAsync(List<Pending> batch)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _statements, batch.Count);
        try
        {
            var results = await RunAsync(batch);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(results[i]);
            }
        }
        catch (PostgresException e) when (batch.Count > 1 && IsIntegrityRefusal(e))
        {
            // Nothing of the batch was committed: each statement on its own, so the refusal is only its own.
            foreach (var pending in batch)
            {
                try
                {
                    pending.Done.TrySetResult((await RunAsync([pending]))[0]);
                }
                catch (Exception one)
                {
                    pending.Done.TrySetException(WriterFence.Refusal(one) ?? one);
                }
            }
        }
        catch (Exception e)
        {
            var failure = WriterFence.Refusal(e) ?? e;
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(failure);
            }
        }
    }

    private async Task<long[]> RunAsync(IReadOnlyList<Pending> batch)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = batch.Count > 1 ? await connection.BeginTransactionAsync() : null;
        await using var command = new NpgsqlBatch(connection, transaction);
        if (fence is not null)
        {
            command.BatchCommands.Add(fence.Command());
        }

        foreach (var pending in batch)
        {
            command.BatchCommands.Add(pending.Command());
        }

        var results = new long[batch.Count];
        await using (var reader = await command.ExecuteReaderAsync())
        {
            if (fence is not null)
            {
                await reader.NextResultAsync(); // the fence's own row (it raises rather than answer otherwise)
            }

            for (var i = 0; i < results.Length; i++)
            {
                if (!await reader.ReadAsync())
                {
                    throw new InvalidOperationException("A group-committed statement returned no row.");
                }

                results[i] = reader.GetInt64(0);
                await reader.NextResultAsync();
            }
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync();
        }

        return results;
    }

    private static bool IsIntegrityRefusal(PostgresException e) => e.SqlState.StartsWith("23", StringComparison.Ordinal);
}
