namespace LabScheduler.Silo.Hosting;

/// <summary>How a silo joins the cluster and reaches PostgreSQL (section "Orleans" plus the connection string).</summary>
public sealed class LabSchedulerSiloOptions
{
    /// <summary>Npgsql connection string of the database that holds the cluster, grain state and bookings.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Silos with the same cluster id form one cluster. Default "labsched".</summary>
    public string ClusterId { get; set; } = "labsched";

    /// <summary>Stable across deployments: grain state and reminders are keyed by it. Default "labscheduler".</summary>
    public string ServiceId { get; set; } = "labscheduler";

    /// <summary>Silo-to-silo port. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port for clients such as the gateway. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients use to reach this one. Default loopback.</summary>
    public string AdvertisedIp { get; set; } = "127.0.0.1";

    /// <summary>The name shown in the membership table (a pod name on Kubernetes). Default: Orleans makes one up.</summary>
    public string? SiloName { get; set; }

    /// <summary>
    /// How long a silo may miss probes before others vote it dead; with <see cref="MissedProbesLimit"/> this sets how fast
    /// a crashed silo's grains move. Defaults: Orleans' own (probe timeout 5 s, 3 missed probes).
    /// </summary>
    public int? ProbeTimeoutSeconds { get; set; }

    public int? MissedProbesLimit { get; set; }

    /// <summary>
    /// The Orleans dashboard's silo side (grain-call statistics for a gateway that shows the
    /// dashboard; Orleans__Dashboard). Off by default: it times every grain call.
    /// </summary>
    public bool Dashboard { get; set; }

    /// <summary>
    /// Orleans' Kubernetes hosting (Orleans__KubernetesHosting): the silo takes its name and address
    /// from the pod (POD_NAME, POD_NAMESPACE, POD_IP from the downward API), and the silos delete the
    /// pods of silos the cluster declared dead, and declare dead the silos whose pods are gone; needs
    /// RBAC on pods (deploy/k8s/rbac.yaml). Membership stays in PostgreSQL.
    /// </summary>
    public bool KubernetesHosting { get; set; }

    /// <summary>TLS with client certificates on the silo and gateway ports (Orleans__Tls__*). Off unless a certificate file is set.</summary>
    public LabScheduler.Contracts.Cluster.ClusterTls Tls { get; set; } = new();
}
