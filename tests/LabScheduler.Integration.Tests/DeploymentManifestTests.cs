using LabScheduler.Testing;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Orleans.Hosting.Kubernetes;
using YamlDotNet.RepresentationModel;

namespace LabScheduler.Integration.Tests;

/// <summary>
/// deploy/: what this machine can check without a Kubernetes cluster or a Docker engine. The
/// manifests are read strictly into the Kubernetes API's own types (an unknown or misspelt field
/// fails), then checked for what the deployment relies on: probes on ports the containers open,
/// non-root containers, disruption budgets, a network policy that admits only gateways to the
/// silos' gateway port, and settings the programs know.
/// </summary>
public sealed partial class DeploymentManifestTests
{
    private static readonly string Deploy = Path.Combine(Repository.Root, "deploy");

    private static readonly Lazy<IReadOnlyList<object>> Objects = new(() =>
    {
        var kustomization = new YamlStream();
        kustomization.Load(new StringReader(File.ReadAllText(Path.Combine(Deploy, "k8s", "kustomization.yaml"))));
        var resources = (YamlSequenceNode)((YamlMappingNode)kustomization.Documents[0].RootNode)["resources"];
        return [.. resources.Select(r => ((YamlScalarNode)r).Value!)
            .SelectMany(file => KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(Deploy, "k8s", file)), strict: true))];
    });

    private static V1Deployment Deployment(string component) =>
        Objects.Value.OfType<V1Deployment>().Single(d => d.Spec.Template.Metadata.Labels["app.kubernetes.io/component"] == component);

    [Fact]
    public void EveryManifest_ParsesStrictly_IntoTheNamespaceOfTheApp()
    {
        var kinds = Objects.Value.Select(o => o.GetType().Name).ToHashSet();
        Assert.Superset(new HashSet<string> { nameof(V1Namespace), nameof(V1Secret), nameof(V1Deployment), nameof(V1Service), nameof(V1Ingress), nameof(V1PodDisruptionBudget), nameof(V1NetworkPolicy), nameof(V1ServiceAccount), nameof(V1Role), nameof(V1RoleBinding) }, kinds);
        foreach (var o in Objects.Value.OfType<IMetadata<V1ObjectMeta>>().Where(o => o is not V1Namespace))
        {
            Assert.Equal("labscheduler", o.Metadata.NamespaceProperty);
        }
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("gateway")]
    public void EveryContainer_IsProbedOnAPortItOpens_AndRunsUnprivileged(string component)
    {
        var deployment = Deployment(component);
        var pod = deployment.Spec.Template.Spec;
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.NotEqual(0, pod.SecurityContext.RunAsUser);
        Assert.Superset(deployment.Spec.Selector.MatchLabels.ToHashSet(), deployment.Spec.Template.Metadata.Labels.ToHashSet());
        foreach (var container in pod.Containers)
        {
            var ports = container.Ports.Select(p => p.Name).ToHashSet();
            foreach (var (probe, path) in new[] { (container.StartupProbe, "/health/live"), (container.LivenessProbe, "/health/live"), (container.ReadinessProbe, "/health/ready") })
            {
                Assert.NotNull(probe);
                Assert.Equal(path, probe.HttpGet.Path);
                Assert.Contains(probe.HttpGet.Port.Value, ports);
            }

            Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
            Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
            Assert.Contains("ALL", container.SecurityContext.Capabilities.Drop);
            Assert.True(container.Resources.Limits.ContainsKey("memory"));
        }
    }

    [Fact]
    public void TheSilosProbePort_IsTheOneItsHealthSettingOpens()
    {
        var silo = Deployment("silo").Spec.Template.Spec.Containers.Single();
        var health = silo.Ports.Single(p => p.Name == "health").ContainerPort;
        Assert.Equal($"{health}", silo.Env.Single(e => e.Name == "Health__Port").Value);
    }

    [Fact]
    public void TheSilos_UseOrleansKubernetesHosting_WithTheDownwardApiItReads_AndOnlyThePodRightsItNeeds()
    {
        var pod = Deployment("silo").Spec.Template;
        var env = pod.Spec.Containers.Single().Env.ToDictionary(e => e.Name);
        Assert.Equal("true", env["Orleans__KubernetesHosting"].Value);
        Assert.Equal("metadata.name", env[KubernetesHostingOptions.PodNameEnvironmentVariable].ValueFrom.FieldRef.FieldPath);
        Assert.Equal("metadata.namespace", env[KubernetesHostingOptions.PodNamespaceEnvironmentVariable].ValueFrom.FieldRef.FieldPath);
        Assert.Equal("status.podIP", env[KubernetesHostingOptions.PodIPEnvironmentVariable].ValueFrom.FieldRef.FieldPath);
        // One cluster, named alike to Orleans' hosting (variables and pod labels) and to our own settings.
        Assert.Equal(env["Orleans__ClusterId"].Value, env[KubernetesHostingOptions.ClusterIdEnvironmentVariable].Value);
        Assert.Equal(env["Orleans__ServiceId"].Value, env[KubernetesHostingOptions.ServiceIdEnvironmentVariable].Value);
        Assert.Equal(env["Orleans__ClusterId"].Value, pod.Metadata.Labels[KubernetesHostingOptions.ClusterIdLabel]);
        Assert.Equal(env["Orleans__ServiceId"].Value, pod.Metadata.Labels[KubernetesHostingOptions.ServiceIdLabel]);

        var account = Assert.Single(Objects.Value.OfType<V1ServiceAccount>(), a => a.Metadata.Name == pod.Spec.ServiceAccountName);
        var binding = Assert.Single(Objects.Value.OfType<V1RoleBinding>(), b => b.Subjects.Any(s => s.Kind == "ServiceAccount" && s.Name == account.Metadata.Name));
        var role = Assert.Single(Objects.Value.OfType<V1Role>(), r => r.Metadata.Name == binding.RoleRef.Name && binding.RoleRef.Kind == "Role");
        var rule = Assert.Single(role.Rules);
        Assert.Equal(["pods"], rule.Resources);
        Assert.Equal(new HashSet<string> { "get", "list", "watch", "delete" }, rule.Verbs.ToHashSet());
        Assert.Empty(Objects.Value.OfType<V1ClusterRoleBinding>());
        Assert.False(Deployment("gateway").Spec.Template.Spec.AutomountServiceAccountToken);
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("gateway")]
    public void VoluntaryDisruptions_LeaveTheRestRunning(string component)
    {
        var deployment = Deployment(component);
        var budget = Objects.Value.OfType<V1PodDisruptionBudget>().Single(b => b.Spec.Selector.MatchLabels["app.kubernetes.io/component"] == component);
        Assert.Equal(deployment.Spec.Selector.MatchLabels, budget.Spec.Selector.MatchLabels);
        Assert.True(budget.Spec.MaxUnavailable?.Value == "1" || budget.Spec.MinAvailable?.Value == "1");
        Assert.Equal("0", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
    }

    [Fact]
    public void OnlyGateways_ReachTheSilosGatewayPort_AndOnlySilos_TheSiloPort()
    {
        var policies = Objects.Value.OfType<V1NetworkPolicy>().ToList();
        Assert.Contains(policies, p => p.Spec.PodSelector.MatchLabels is null or { Count: 0 } && p.Spec.PolicyTypes.Contains("Ingress") && p.Spec.Ingress is null or { Count: 0 });

        var silo = Deployment("silo").Spec.Template.Spec.Containers.Single();
        int Setting(string name) => int.Parse(silo.Env.Single(e => e.Name == name).Value, System.Globalization.CultureInfo.InvariantCulture);
        var siloPolicy = policies.Single(p => Component(p.Spec.PodSelector.MatchLabels) == "silo");
        IEnumerable<string?> AdmittedTo(int port) => siloPolicy.Spec.Ingress
            .Where(rule => rule.Ports.Any(p => p.Port.Value == $"{port}"))
            .SelectMany(rule => rule.FromProperty?.Select(from => Component(from.PodSelector?.MatchLabels)) ?? [(string?)"anyone"]);

        Assert.Equal(["gateway"], AdmittedTo(Setting("Orleans__GatewayPort")));
        Assert.Equal(["silo"], AdmittedTo(Setting("Orleans__SiloPort")));
        Assert.Equal(["anyone"], AdmittedTo(Setting("Health__Port")));
        // Every port the silo opens is named by the policy, so none is left shut by accident.
        Assert.All(silo.Ports, p => Assert.NotEmpty(AdmittedTo(p.ContainerPort)));
    }

    [Fact]
    public void EverySetting_TheManifestsAndComposeGive_IsOneTheReadmeDocuments()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var documented = BacktickedSetting().Matches(readme).Select(m => m.Groups[1].Value).ToHashSet();
        var given = Objects.Value.OfType<V1Deployment>().SelectMany(d => d.Spec.Template.Spec.Containers).SelectMany(c => c.Env).Select(e => e.Name)
            .Concat(ComposeServices().Values.SelectMany(Environment).Select(e => e.Key))
            .Where(name => name.Contains("__", StringComparison.Ordinal))
            .ToHashSet();

        Assert.NotEmpty(given);
        Assert.Empty(given.Except(documented));
    }

    [Fact]
    public void Compose_RunsThreeSilosAndTwoGateways_FromTheRepositorysDockerfiles_OnAHealthyDatabase()
    {
        var services = ComposeServices();
        var silos = services.Where(s => Scalar(s.Value, "image")?.StartsWith("labscheduler-silo", StringComparison.Ordinal) == true).ToList();
        var gateways = services.Where(s => Scalar(s.Value, "image")?.StartsWith("labscheduler-gateway", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(3, silos.Count);
        Assert.Equal(2, gateways.Count);
        Assert.Single(silos, s => Environment(s.Value).Any(e => e is { Key: "Seed__Demo", Value: "true" }));
        foreach (var (_, service) in silos.Concat(gateways))
        {
            var build = (YamlMappingNode)service["build"];
            Assert.True(File.Exists(Path.Combine(Deploy, Scalar(build, "context")!, Scalar(build, "dockerfile")!)));
            var dependsOn = (YamlMappingNode)service["depends_on"];
            Assert.Equal("service_healthy", Scalar((YamlMappingNode)dependsOn["postgres"], "condition"));
            Assert.All(dependsOn.Children.Keys, k => Assert.Contains(((YamlScalarNode)k).Value!, services.Keys));
        }
    }

    [Theory]
    [InlineData("Dockerfile.silo", "silo/LabScheduler.Silo/LabScheduler.Silo.csproj", "silo")]
    [InlineData("Dockerfile.gateway", "client/LabScheduler.Gateway/LabScheduler.Gateway.csproj", "gateway")]
    public void Dockerfile_CopiesWhatExists_PublishesItsProject_ExposesTheManifestsPorts_AndChecksItsHealth(string file, string project, string component)
    {
        var lines = File.ReadAllLines(Path.Combine(Deploy, "docker", file));
        foreach (var copy in lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal)))
        {
            var sources = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1];
            Assert.All(sources, s => Assert.True(Path.Exists(Path.Combine(Repository.Root, s)), $"{file}: {copy}: {s} does not exist"));
        }

        Assert.Contains(lines, l => l.Contains($"dotnet publish {project}", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(Repository.Root, project)));
        Assert.Contains(lines, l => l.StartsWith("USER $APP_UID", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("HEALTHCHECK", StringComparison.Ordinal));

        var exposed = lines.Single(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal)).Split(' ')[1..].Select(int.Parse).ToHashSet();
        var opened = Deployment(component).Spec.Template.Spec.Containers.Single().Ports.Select(p => p.ContainerPort).ToHashSet();
        Assert.Equal(opened, exposed);
    }

    private static string? Component(IDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue("app.kubernetes.io/component", out var component) ? component : null;

    private static Dictionary<string, YamlMappingNode> ComposeServices()
    {
        var compose = new YamlStream();
        compose.Load(new StringReader(File.ReadAllText(Path.Combine(Deploy, "compose.yaml"))));
        var services = (YamlMappingNode)((YamlMappingNode)compose.Documents[0].RootNode)["services"];
        return services.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => Merged((YamlMappingNode)c.Value));
    }

    /// <summary>A service with its YAML merge keys (&lt;&lt;: *anchor) applied, as Compose applies them.</summary>
    private static YamlMappingNode Merged(YamlMappingNode node)
    {
        var merged = new YamlMappingNode();
        if (node.Children.TryGetValue(new YamlScalarNode("<<"), out var baseNode))
        {
            foreach (var (key, value) in Merged((YamlMappingNode)baseNode).Children)
            {
                merged.Children[key] = value;
            }
        }

        foreach (var (key, value) in node.Children.Where(c => ((YamlScalarNode)c.Key).Value != "<<"))
        {
            merged.Children[key] = value is YamlMappingNode map ? Merged(map) : value;
        }

        return merged;
    }

    private static IEnumerable<KeyValuePair<string, string?>> Environment(YamlMappingNode service) =>
        service.Children.TryGetValue(new YamlScalarNode("environment"), out var environment)
            ? ((YamlMappingNode)environment).Children.Select(e => new KeyValuePair<string, string?>(((YamlScalarNode)e.Key).Value!, (e.Value as YamlScalarNode)?.Value))
            : [];

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;

    [GeneratedRegex(@"`([A-Za-z]+(?:__[A-Za-z]+)+)`")]
    private static partial Regex BacktickedSetting();
}
