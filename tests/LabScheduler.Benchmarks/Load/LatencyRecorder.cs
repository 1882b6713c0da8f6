namespace LabScheduler.Benchmarks.Load;

/// <summary>Latencies and outcomes of one measured run; percentiles by the nearest-rank method.</summary>
public sealed class LatencyRecorder
{
    private readonly List<double> _millis = [];
    private readonly Dictionary<int, int> _statuses = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _millis.Count;
            }
        }
    }

    public void Record(double millis, int status)
    {
        lock (_gate)
        {
            _millis.Add(millis);
            _statuses[status] = _statuses.GetValueOrDefault(status) + 1;
        }
    }

    /// <summary>How many answers had this status (0: no answer, the request failed).</summary>
    public int WithStatus(int status)
    {
        lock (_gate)
        {
            return _statuses.GetValueOrDefault(status);
        }
    }

    public int Where(Func<int, bool> status)
    {
        lock (_gate)
        {
            return _statuses.Where(s => status(s.Key)).Sum(s => s.Value);
        }
    }

    public string Statuses()
    {
        lock (_gate)
        {
            return string.Join(" ", _statuses.OrderBy(s => s.Key).Select(s => $"{(s.Key == 0 ? "failed" : s.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))}:{s.Value}"));
        }
    }

    public double Percentile(double percentile)
    {
        double[] sorted;
        lock (_gate)
        {
            sorted = [.. _millis];
        }

        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        Array.Sort(sorted);
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
