using LabScheduler.Gateway.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddLabSchedulerGateway();

var app = builder.Build();
app.UseLabSchedulerGateway();
app.Run();

/// <summary>Visible to the functional tests' WebApplicationFactory.</summary>
public partial class Program;
