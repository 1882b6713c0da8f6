namespace LabScheduler.Domain.Errors;

/// <summary>An expected failure with a stable, machine-readable code and a human detail.</summary>
public sealed record Error(string Code, string Detail)
{
    public override string ToString() => $"{Code}: {Detail}";
}
