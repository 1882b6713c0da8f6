namespace LabScheduler.Chaos;

/// <summary>What one run of the suite breaks while the clients book.</summary>
public enum FaultKind
{
    /// <summary>A silo killed with SIGKILL, started again a few seconds later.</summary>
    SiloKilled,

    /// <summary>A gateway killed with SIGKILL; its clients fail over to the other; then it is started again.</summary>
    GatewayKilled,

    /// <summary>PostgreSQL stopped with a fast shutdown and started again, then the same with an immediate one.</summary>
    PostgresRestarted,

    /// <summary>Every connection of the silos and gateways to PostgreSQL ended, again and again, for a while.</summary>
    PostgresConnectionsCut,

    /// <summary>A silo paused with SIGSTOP until the cluster declares it dead, then resumed: a zombie that must not write.</summary>
    SiloPaused,

    /// <summary>
    /// Not a fault: a rolling upgrade of a cluster started from the previous commit's build (ClusterBuild.PreviousAsync)
    /// to this tree's, one silo at a time (the new one Active before the old one gets SIGTERM), then the gateways.
    /// </summary>
    RollingUpgrade,
}
