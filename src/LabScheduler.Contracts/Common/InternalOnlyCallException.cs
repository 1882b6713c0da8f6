namespace LabScheduler.Contracts.Common;

/// <summary>A cluster client called a method marked <see cref="InternalOnlyAttribute"/>: refused, nothing done.</summary>
[GenerateSerializer, Alias("ls.InternalOnlyCallException")]
public sealed class InternalOnlyCallException : Exception
{
    public InternalOnlyCallException()
    {
    }

    public InternalOnlyCallException(string message)
        : base(message)
    {
    }

    public InternalOnlyCallException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
